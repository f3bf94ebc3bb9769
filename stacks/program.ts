/**
 * The stack program: read and validate the platform config once (nothing is registered when it is invalid), then run
 * the composition for the platform's kind.
 */
import { loadPlatform } from "../infra/config/load.js";
import { azureStack } from "./azure.js";
import { localStack } from "./local.js";

export async function program(): Promise<Record<string, unknown>> {
  const { platform, secrets } = loadPlatform();
  return platform.kind === "azure" ? await azureStack(platform, secrets) : localStack(platform, secrets);
}
