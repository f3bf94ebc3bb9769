/**
 * The `authdb:index:Platform` component: the whole platform behind one constructor, for the TypeScript stack program
 * and, through the component provider (provider/), for C# and every other Pulumi language (D80). It validates its args
 * with the stack config's validation (parsePlatform and the rules: every problem at once, keys spelt as in the schema)
 * before anything is registered, then runs the one composition (azure.ts or local.ts) with itself as parent.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfigEntry, type Platform as ParsedPlatform, parsePlatform } from "../infra/config/platform.js";
import type { PlatformSecrets } from "../infra/config/load.js";
import type { ContractOutputs } from "../infra/outputs.js";
import { azureStack } from "./azure.js";
import { localStack } from "./local.js";
import type { PlatformArgs } from "./platform-args.js";

export type { PlatformArgs } from "./platform-args.js";

export const PLATFORM_TYPE = "authdb:index:Platform";

/** Validates the args as `authdb:platform` (throws ConfigError naming every problem); pure, nothing registered. */
export function validatePlatformArgs(args: PlatformArgs, otherConfig: readonly ConfigEntry[] = []): ParsedPlatform {
  const { teamsWebhookUrl, ...raw } = args;
  // The component marks the webhook secret itself, so a supplied value counts as a secret one.
  const presence = teamsWebhookUrl === undefined ? "absent" : "secret";
  return parsePlatform(raw, { teamsWebhookUrl: presence }, otherConfig);
}

/** The component's output properties: the output contract (infra/outputs.ts), name for name. */
export const OUTPUT_KEYS = [
  "platformKind",
  "environment",
  "resourceGroupName",
  "primaryServerName",
  "primaryServerId",
  "writerFqdn",
  "readerFqdn",
  "primaryFqdn",
  "port",
  "databaseName",
  "sslMode",
  "caCertificates",
  "replicaServerNames",
  "replicaFqdns",
  "replicaServerIds",
  "administratorLogin",
  "applicationLogin",
  "monitoringLogin",
  "applicationPassword",
  "keyVaultName",
  "passwordSecretNames",
  "jdbcUrl",
] as const satisfies readonly (keyof ContractOutputs)[];

// Kept off the instance: the analyzer would take any property, even a private one, for an output of the schema.
const contracts = new WeakMap<Platform, Promise<ContractOutputs>>();

/** The PostgreSQL platform of the Auth service: servers, replicas, network, Key Vault, monitoring, Defender, consumers. */
export class Platform extends pulumi.ComponentResource {
  /** "azure" or "local". */
  public readonly platformKind!: pulumi.Output<string>;
  /** prod, dev or local. */
  public readonly environment!: pulumi.Output<string>;
  /** Azure resource group ("" on local). */
  public readonly resourceGroupName!: pulumi.Output<string>;
  /** Server name of the primary (container name on local). */
  public readonly primaryServerName!: pulumi.Output<string>;
  /** ARM id of the primary (container id on local). */
  public readonly primaryServerId!: pulumi.Output<string>;
  /** Host name applications connect to for writes: the writer virtual endpoint, which follows a switchover (D70). */
  public readonly writerFqdn!: pulumi.Output<string>;
  /** Host name for read-only traffic: the reader virtual endpoint. */
  public readonly readerFqdn!: pulumi.Output<string>;
  /** Host name of the primary server itself. */
  public readonly primaryFqdn!: pulumi.Output<string>;
  /** TCP port (5432 on Azure). */
  public readonly port!: pulumi.Output<number>;
  /** The application database. */
  public readonly databaseName!: pulumi.Output<string>;
  /** libpq sslmode clients must use (verify-full). */
  public readonly sslMode!: pulumi.Output<string>;
  /** PEM bundle of the root CAs the server's certificate chains to (sslrootcert). */
  public readonly caCertificates!: pulumi.Output<string>;
  /** Replica server name by region. */
  public readonly replicaServerNames!: pulumi.Output<Record<string, string>>;
  /** Replica host name by region, for read-only traffic. */
  public readonly replicaFqdns!: pulumi.Output<Record<string, string>>;
  /** Replica ARM id by region. */
  public readonly replicaServerIds!: pulumi.Output<Record<string, string>>;
  /** Built-in administrator login (password only in Key Vault). */
  public readonly administratorLogin!: pulumi.Output<string>;
  /** Login of the Auth service. */
  public readonly applicationLogin!: pulumi.Output<string>;
  /** Read-only monitoring login. */
  public readonly monitoringLogin!: pulumi.Output<string>;
  /** Password of applicationLogin: secret, and only with outputs.applicationPassword: true (else empty). */
  public readonly applicationPassword!: pulumi.Output<string>;
  /** Key Vault holding every password ("" on local). */
  public readonly keyVaultName!: pulumi.Output<string>;
  /** Key Vault secret name by role (administrator, application, monitoring). */
  public readonly passwordSecretNames!: pulumi.Output<Record<string, string>>;
  /** JDBC URL of the writer endpoint with sslmode=verify-full, without credentials. */
  public readonly jdbcUrl!: pulumi.Output<string>;

  /** The composition's result, the output contract as the stack program exports it; rejects on a preflight problem. */
  contract(): Promise<ContractOutputs> {
    return contracts.get(this)!;
  }

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before super(): an invalid platform registers nothing, not even this component.
    const platform = validatePlatformArgs(args);
    super(PLATFORM_TYPE, name, {}, opts);
    const secrets: PlatformSecrets =
      args.teamsWebhookUrl === undefined ? {} : { teamsWebhookUrl: pulumi.secret(args.teamsWebhookUrl) };
    // azureStack reads the live servers before it registers anything (preflight), so the composition is a promise
    // and every output property is derived from it.
    const contract =
      platform.kind === "azure"
        ? azureStack(platform, secrets, this)
        : Promise.resolve().then(() => localStack(platform, secrets, this));
    contracts.set(this, contract);
    // Each output is lifted from the promise on its own, so it keeps its own secretness and dependencies.
    const pick = (key: (typeof OUTPUT_KEYS)[number]) =>
      pulumi.output(contract.then((c) => (c as Record<string, unknown>)[key] ?? "")) as pulumi.Output<unknown>;
    const self = this as unknown as Record<string, pulumi.Output<unknown>>;
    for (const key of OUTPUT_KEYS) self[key] = pick(key);
    contract.then(
      (c) => this.registerOutputs(c),
      () => undefined,
    );
  }
}
