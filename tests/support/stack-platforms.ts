// The committed stack files, parsed and validated the way the program does, for tests that build one component.
import {
  type AzurePlatform,
  type LocalPlatform,
  type SecretKeyPresence,
  parsePlatform,
} from "../../infra/config/platform.js";
import { readStackFile } from "../../tools/offline.js";

/** As if the deployer had set every secret key with `pulumi config set --secret`. */
const SECRETS_SET: SecretKeyPresence = { teamsWebhookUrl: "secret" };

export function azurePlatform(stack: "prod" | "dev"): AzurePlatform {
  const platform = parsePlatform(readStackFile(`Pulumi.${stack}.yaml`).config["authdb:platform"], SECRETS_SET);
  if (platform.kind !== "azure") throw new Error(`Pulumi.${stack}.yaml is not an azure platform`);
  return platform;
}

export function localPlatform(): LocalPlatform {
  const platform = parsePlatform(readStackFile("Pulumi.local.yaml").config["authdb:platform"], {
    teamsWebhookUrl: "absent",
  });
  if (platform.kind !== "local") throw new Error("Pulumi.local.yaml is not a local platform");
  return platform;
}
