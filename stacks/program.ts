/**
 * The stack program: read and validate the platform config once (nothing is registered when it is invalid), then build
 * the Platform component from it — the same component a C# program constructs through the component provider (D80).
 */
import { loadPlatform } from "../infra/config/load.js";
import { Platform } from "./platform.js";
import type { PlatformArgs } from "./platform-args.js";

export async function program(): Promise<Record<string, unknown>> {
  const { raw, secrets } = loadPlatform();
  const args = {
    ...(raw as PlatformArgs),
    ...(secrets.teamsWebhookUrl ? { teamsWebhookUrl: secrets.teamsWebhookUrl } : {}),
  };
  return await new Platform("platform", args).contract();
}
