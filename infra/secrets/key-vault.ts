/**
 * Key Vault holding the generated passwords and the SCRAM verifiers the bootstrap sets: RBAC authorization, purge
 * protection, soft delete, no public access, a private endpoint, secrets with a content type and an expiry at the
 * rotation horizon, and readers who each get exactly the secrets they use.
 */
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as keyvault from "@pulumi/azure-native/keyvault/index.js";
import * as network from "@pulumi/azure-native/network/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { VerifierRole } from "../bootstrap.js";
import type { AzurePlatform } from "../config/platform.js";
import { roleAssignmentName, roleDefinitionId } from "../rbac.js";
import type { PasswordRole, Tags } from "../types.js";

// Shared with the Backup vault's role assignments (infra/backup); re-exported for this component's callers and tests.
export { roleAssignmentName, roleDefinitionId, uuidV5 } from "../rbac.js";

/** What the vault stores: each role's password, and the verifiers of the database roles. */
export type StoredSecretKey = `${PasswordRole}-password` | `${VerifierRole}-scram-verifier`;

/** Every key the vault stores, in the order they are written. */
export const STORED_SECRET_KEYS: readonly StoredSecretKey[] = [
  "administrator-password",
  "application-password",
  "monitoring-password",
  "application-scram-verifier",
  "monitoring-scram-verifier",
];

/** What the vault stores, from the generated passwords and their verifiers (one map for the stack and its tests). */
export function storedSecrets(generated: {
  readonly values: Readonly<Record<PasswordRole, pulumi.Output<string>>>;
  readonly verifiers: Readonly<Record<VerifierRole, pulumi.Output<string>>>;
}): Record<StoredSecretKey, pulumi.Output<string>> {
  return {
    "administrator-password": generated.values.administrator,
    "application-password": generated.values.application,
    "monitoring-password": generated.values.monitoring,
    "application-scram-verifier": generated.verifiers.application,
    "monitoring-scram-verifier": generated.verifiers.monitoring,
  };
}

/** An identity that reads secrets, and exactly which. */
export interface VaultReader {
  /** Short name, part of the role assignments' Pulumi names (application, bootstrap, monitoring). */
  readonly name: string;
  readonly principalId: pulumi.Input<string>;
  readonly secrets: readonly StoredSecretKey[];
}

export interface KeyVaultArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly keyVault: AzurePlatform["keyVault"];
  readonly passwords: AzurePlatform["passwords"];
  /** The value of every stored secret (Pulumi secrets). */
  readonly secrets: Readonly<Record<StoredSecretKey, pulumi.Output<string>>>;
  readonly readers: readonly VaultReader[];
  readonly tenantId: pulumi.Input<string>;
  readonly privateEndpointSubnetId: pulumi.Input<string>;
  readonly keyVaultDnsZoneId: pulumi.Input<string>;
  readonly tags: Tags;
}

/** Built-in role definition GUIDs (the same in every tenant). */
export const BUILT_IN_ROLES = {
  /** Read secret contents: all any reader needs. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Read, write, list versions, back up and restore secrets: only ever granted just in time for a rollback. */
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
} as const;

/** Key Vault secret name of a stored secret, e.g. postgres-administrator-password. */
export function storedSecretName(key: StoredSecretKey): string {
  return `postgres-${key}`;
}

/** Key Vault secret name of a role's password. */
export function passwordSecretName(role: PasswordRole): string {
  return storedSecretName(`${role}-password`);
}

/**
 * The content type stored with each secret version. It names what the value is and which rotation produced it, so
 * `az keyvault secret list-versions` shows which version to roll back to; it never holds anything secret.
 */
export function storedContentType(key: StoredSecretKey, rotation: string): string {
  const verifier = key.endsWith("-scram-verifier");
  const role = key.replace(/-(password|scram-verifier)$/, "");
  return `text/plain; purpose=${verifier ? "postgres-scram-verifier" : "postgres-password"}; role=${role}; rotation=${rotation}`;
}

export function passwordContentType(role: PasswordRole, rotation: string): string {
  return storedContentType(`${role}-password`, rotation);
}

/**
 * Who reads what, from the platform config: the application its own password; the bootstrap the administrator
 * password and the two verifiers it sets; a monitoring agent, when configured, the monitoring password. Nobody else —
 * the deployer writes secrets through Resource Manager and needs no data-plane role (docs/secrets.md).
 */
export function vaultReaders(kv: AzurePlatform["keyVault"]): VaultReader[] {
  return [
    { name: "application", principalId: kv.applicationPrincipalId, secrets: ["application-password"] },
    {
      name: "bootstrap",
      principalId: kv.bootstrapPrincipalId,
      secrets: ["administrator-password", "application-scram-verifier", "monitoring-scram-verifier"],
    },
    ...(kv.monitoringPrincipalId
      ? [
          {
            name: "monitoring",
            principalId: kv.monitoringPrincipalId,
            secrets: ["monitoring-password"] as StoredSecretKey[],
          },
        ]
      : []),
  ];
}

export class KeyVault extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;
  /** Key Vault secret name by role, e.g. administrator → "postgres-administrator-password". */
  readonly secretNames: Readonly<Record<StoredSecretKey, string>>;
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

    // Each reader gets "Key Vault Secrets User" on exactly the secrets it needs — Key Vault RBAC takes a single secret
    // as scope — never on the whole vault: the application cannot read the administrator password.
    const secretNames = {} as Record<StoredSecretKey, string>;
    const secretResources: pulumi.Resource[] = [];
    const secretsByKey = {} as Record<StoredSecretKey, keyvault.Secret>;
    const expires = args.passwords.expires;
    for (const key of STORED_SECRET_KEYS) {
      secretNames[key] = storedSecretName(key);
      const secret = new keyvault.Secret(
        `${name}-${key}`,
        {
          resourceGroupName,
          vaultName: vault.name,
          secretName: secretNames[key],
          properties: {
            // Re-wrapped so the value stays secret even if a caller hands in a plain Output.
            value: pulumi.secret(args.secrets[key]),
            contentType: storedContentType(key, args.passwords.rotation),
            attributes: { enabled: true, expires },
          },
          tags,
        },
        // A new value is a new version of the same secret (the old ones stay for rollback), never a replacement.
        // Written through Resource Manager (no data-plane role needed); retained on delete, because azure-native deletes
        // secrets through the vault's data plane, which the vault's firewall closes to a hosted runner
        // (docs/runbook.md, "Destroying a stack or renaming a secret").
        { parent: this, additionalSecretOutputs: ["properties"], retainOnDelete: true },
      );
      secretsByKey[key] = secret;
      secretResources.push(secret);
    }

    const readerAssignments: authorization.RoleAssignment[] = [];
    for (const reader of args.readers) {
      for (const key of reader.secrets) {
        const secret = secretsByKey[key];
        if (!secret) throw new Error(`reader ${reader.name} needs secret ${key}, which the vault does not store`);
        const scope = pulumi.interpolate`${vault.id}/secrets/${secretNames[key]}`;
        readerAssignments.push(
          new authorization.RoleAssignment(
            `${name}-${reader.name}-reads-${key}`,
            {
              scope,
              principalId: reader.principalId,
              // Given because a freshly created managed identity may not have replicated to Entra yet.
              principalType: "ServicePrincipal",
              roleDefinitionId: vault.id.apply((id) => roleDefinitionId(id, BUILT_IN_ROLES.keyVaultSecretsUser)),
              roleAssignmentName: pulumi
                .all([scope, reader.principalId])
                .apply(([sc, pr]) => roleAssignmentName(sc, pr, BUILT_IN_ROLES.keyVaultSecretsUser)),
            },
            { parent: this, dependsOn: [secret] },
          ),
        );
      }
    }

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => {
      if (!p.vaultUri) throw new Error(`Azure returned no vaultUri for Key Vault ${kv.name}`);
      return p.vaultUri;
    });
    this.secretNames = secretNames;
    this.secretResources = [...secretResources, ...readerAssignments];

    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      secretNames: this.secretNames,
    });
  }
}
