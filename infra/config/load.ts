/**
 * The only place that reads Pulumi config. Everything else receives the typed `Platform` and the secret inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type ConfigEntry,
  type Platform,
  type SecretKeyPresence,
  type SecretPresence,
  parsePlatform,
} from "./platform.js";

export const PROJECT = "authdb";

/** The secret config keys the platform reads (set with `pulumi config set --secret authdb:<key>`). */
export const SECRET_CONFIG_KEYS = ["teamsWebhookUrl"] as const;

/** Secret config values, as Pulumi secrets; only the ones the platform uses are read. */
export interface PlatformSecrets {
  readonly teamsWebhookUrl?: pulumi.Output<string>;
}

export interface LoadedPlatform {
  readonly platform: Platform;
  /** The value of `authdb:platform` as written (validated): the Platform component's args. */
  readonly raw: unknown;
  readonly secrets: PlatformSecrets;
}

// isConfigSecret exists at runtime (runtime/config.js) but is missing from the published typings.
const runtimeConfig = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };

function presence(key: string): SecretPresence {
  const full = `${PROJECT}:${key}`;
  if (pulumi.runtime.getConfig(full) === undefined) return "absent";
  return runtimeConfig.isConfigSecret(full) ? "secret" : "plain";
}

/** Reads `authdb:platform` and the secret keys, validates them together, and throws ConfigError before any resource exists. */
export function loadPlatform(): LoadedPlatform {
  const config = new pulumi.Config(PROJECT);
  const raw = config.getObject<unknown>("platform");
  const secretKeys: SecretKeyPresence = { teamsWebhookUrl: presence("teamsWebhookUrl") };
  const others: ConfigEntry[] = Object.keys(pulumi.runtime.allConfig())
    .filter((key) => key !== `${PROJECT}:platform` && !SECRET_CONFIG_KEYS.some((k) => key === `${PROJECT}:${k}`))
    .map((key) => ({ key, secret: runtimeConfig.isConfigSecret(key) }));
  const platform = parsePlatform(raw ?? {}, secretKeys, others);
  const secrets: PlatformSecrets = {
    ...(secretKeys.teamsWebhookUrl === "secret" ? { teamsWebhookUrl: config.requireSecret("teamsWebhookUrl") } : {}),
  };
  return { platform, raw: raw ?? {}, secrets };
}
