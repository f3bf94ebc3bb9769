/**
 * Key Vault holding the generated passwords: RBAC authorization, purge protection, soft delete, no public access, a
 * private endpoint, secrets with a content type and an expiry at the rotation horizon, least-privilege role assignments.
 */
import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as keyvault from "@pulumi/azure-native/keyvault/index.js";
import * as network from "@pulumi/azure-native/network/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "../config/platform.js";
import { ROTATION_PATTERN } from "../config/rules.js";
import { PASSWORD_ROLES, type PasswordRole } from "../types.js";
import type { Tags } from "../types.js";

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

/** Built-in role definition GUIDs (the same in every tenant). */
export const BUILT_IN_ROLES = {
  /** Read secret contents: all the application needs. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Read, write, list versions, back up and restore secrets: what rotation and rollback need. */
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
} as const;

/** Key Vault secret name of a role's password. */
export function passwordSecretName(role: PasswordRole): string {
  return `postgres-${role}-password`;
}

/**
 * The content type stored with each secret version. It names what the value is and which rotation produced it, so
 * `az keyvault secret list-versions` shows which version to roll back to; it never holds anything secret.
 */
export function passwordContentType(role: PasswordRole, rotation: string): string {
  return `text/plain; purpose=postgres-password; role=${role}; rotation=${rotation}`;
}

/**
 * Start of a rotation period as a UTC instant: "2026-11" is 2026-11-01T00:00:00Z, "2026-11-15" that day. Derived from the
 * config stamp rather than the clock, so the plan is the same on every run.
 */
export function rotationStart(rotation: string): Date {
  if (!ROTATION_PATTERN.test(rotation)) throw new Error(`rotation ${rotation} is not in YYYY-MM or YYYY-MM-DD form`);
  const [year, month, day = 1] = rotation.split("-").map(Number);
  const start = new Date(Date.UTC(year, month - 1, day));
  if (start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day)
    throw new Error(`rotation ${rotation} is not a calendar date`);
  return start;
}

/** Secret expiry (`attributes.expires`, Unix seconds): the rotation start plus the rotation period. */
export function rotationExpiry(rotation: string, rotationPeriodDays: number): number {
  return rotationStart(rotation).getTime() / 1000 + rotationPeriodDays * 86_400;
}

/** RFC 4122 name-based (version 5, SHA-1) UUID: the same names always give the same GUID. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** authdb's own UUID namespace for role assignment names. */
const ROLE_ASSIGNMENT_NAMESPACE = "4f0c6a52-9f3e-4d1b-a7c2-2d5b8e61f0a9";

/**
 * Role assignment names must be GUIDs and unique per scope. Deriving them from scope, principal and role makes the name
 * stable across runs (no spurious replacement) and the same assignment twice impossible.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  return uuidV5(ROLE_ASSIGNMENT_NAMESPACE, `${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid}`);
}

/** The subscription-scoped id of a built-in role, with the subscription taken from any resource id in it. */
export function roleDefinitionId(resourceId: string, roleDefinitionGuid: string): string {
  const m = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
  if (!m) throw new Error(`${resourceId} is not an Azure resource id`);
  return `/subscriptions/${m[1]}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid}`;
}

export class KeyVault extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;
  /** Key Vault secret name by role, e.g. administrator → "postgres-administrator-password". */
  readonly secretNames: Readonly<Record<PasswordRole, string>>;
  /**
   * The secret resources, for `dependsOn` only (e.g. the bootstrap Job waits for the rotated values). Typed as plain
   * resources so that nobody reads the provider's outputs, which are not secret under mocks.
   */
  readonly secretResources: readonly pulumi.Resource[];

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:KeyVault", name, {}, opts);
    const { resourceGroupName, tags } = args;
    const kv = args.keyVault;

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName,
        vaultName: kv.name,
        location: args.location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: kv.softDeleteRetentionDays,
          // Azure accepts only true or absent: purge protection can never be switched off once on.
          ...(kv.purgeProtection ? { enablePurgeProtection: true } : {}),
          publicNetworkAccess: kv.publicNetworkAccess,
          // No trusted-service bypass: nothing here needs it (secret writes through ARM are control-plane operations,
          // the application reads through the private endpoint).
          networkAcls: { defaultAction: "Deny", bypass: "None" },
        },
        tags,
      },
      { parent: this, protect: true },
    );

    const endpointName = `pe-${kv.name}`;
    const endpoint = new network.PrivateEndpoint(
      `${name}-private-endpoint`,
      {
        resourceGroupName,
        privateEndpointName: endpointName,
        location: args.location,
        subnet: { id: args.privateEndpointSubnetId },
        customNetworkInterfaceName: `${endpointName}-nic`,
        privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: vault.id, groupIds: ["vault"] }],
        tags,
      },
      { parent: this },
    );
    new network.PrivateDnsZoneGroup(
      `${name}-private-dns`,
      {
        resourceGroupName,
        privateEndpointName: endpointName,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: "privatelink-vaultcore-azure-net", privateDnsZoneId: args.keyVaultDnsZoneId }],
      },
      { parent: this, dependsOn: [endpoint] },
    );

    const assign = (
      what: string,
      principalId: pulumi.Input<string>,
      roleGuid: string,
      principalType?: "ServicePrincipal",
    ) =>
      new authorization.RoleAssignment(
        `${name}-${what}`,
        {
          scope: vault.id,
          principalId,
          ...(principalType ? { principalType } : {}),
          roleDefinitionId: vault.id.apply((id) => roleDefinitionId(id, roleGuid)),
          roleAssignmentName: pulumi
            .all([vault.id, principalId])
            .apply(([scope, p]) => roleAssignmentName(scope, p, roleGuid)),
        },
        { parent: this },
      );
    // The workload identity reads secrets and nothing else (policy K8). principalType is given because a freshly
    // created managed identity may not have replicated to Entra yet when the assignment is made.
    assign(
      "application-secrets-user",
      kv.applicationPrincipalId,
      BUILT_IN_ROLES.keyVaultSecretsUser,
      "ServicePrincipal",
    );
    // The deployer may be a person or a pipeline, so Azure resolves the principal type itself.
    const deployerOfficer = assign(
      "deployer-secrets-officer",
      args.deployerPrincipalId,
      BUILT_IN_ROLES.keyVaultSecretsOfficer,
    );

    const expires = rotationExpiry(args.passwords.rotation, args.passwords.rotationPeriodDays);
    const secretNames = {} as Record<PasswordRole, string>;
    const secretResources: pulumi.Resource[] = [];
    for (const role of PASSWORD_ROLES) {
      secretNames[role] = passwordSecretName(role);
      const secret = new keyvault.Secret(
        `${name}-${role}-password`,
        {
          resourceGroupName,
          vaultName: vault.name,
          secretName: secretNames[role],
          properties: {
            // Re-wrapped so the value stays secret even if a caller hands in a plain Output.
            value: pulumi.secret(args.secretValues[role]),
            contentType: passwordContentType(role, args.passwords.rotation),
            attributes: { enabled: true, expires },
          },
          tags,
        },
        // A new value is a new version of the same secret (the old ones stay for rollback), never a replacement.
        { parent: this, dependsOn: [deployerOfficer], additionalSecretOutputs: ["properties"] },
      );
      secretResources.push(secret);
    }

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => {
      if (!p.vaultUri) throw new Error(`Azure returned no vaultUri for Key Vault ${kv.name}`);
      return p.vaultUri;
    });
    this.secretNames = secretNames;
    this.secretResources = secretResources;

    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      secretNames: this.secretNames,
    });
  }
}
