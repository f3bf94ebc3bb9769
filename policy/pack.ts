/**
 * Every authdb policy, in catalogue order. The CrossGuard pack (index.ts) and the offline runner (evaluate.ts) both
 * read this list, so a rule added here runs in `pulumi preview --policy-pack ./policy` and in `npm run plan` alike.
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import type { AuthdbPolicy } from "./rule.js";
import { disallowAzureServicesFirewallRule } from "./rules/network/disallowAzureServicesFirewallRule.js";
import { disallowBroadFirewallRange } from "./rules/network/disallowBroadFirewallRange.js";
import { disallowPublicNetworkAccess } from "./rules/network/disallowPublicNetworkAccess.js";
import { requirePrivateAccess } from "./rules/network/requirePrivateAccess.js";
import { restrictDatabaseSubnetIngress } from "./rules/network/restrictDatabaseSubnetIngress.js";
import { configureCustomerManagedKey } from "./rules/encryption/configureCustomerManagedKey.js";
import { requireMinimumTlsVersion } from "./rules/encryption/requireMinimumTlsVersion.js";
import { requireSecureTransport } from "./rules/encryption/requireSecureTransport.js";
import { enableDefenderForDatabases } from "./rules/identity/enableDefenderForDatabases.js";
import { enforceGeneratedPasswordStrength } from "./rules/identity/enforceGeneratedPasswordStrength.js";
import { requireEntraAuthentication } from "./rules/identity/requireEntraAuthentication.js";
import { requireEntraOnlyAuthentication } from "./rules/identity/requireEntraOnlyAuthentication.js";
import { requireSecretInputs } from "./rules/identity/requireSecretInputs.js";
import { configureLogLinePrefix } from "./rules/logging/configureLogLinePrefix.js";
import { configureLogRetention } from "./rules/logging/configureLogRetention.js";
import { enableConnectionThrottling } from "./rules/logging/enableConnectionThrottling.js";
import { enableLogCheckpoints } from "./rules/logging/enableLogCheckpoints.js";
import { enableLogConnections } from "./rules/logging/enableLogConnections.js";
import { enableLogDisconnections } from "./rules/logging/enableLogDisconnections.js";
import { enablePgaudit } from "./rules/logging/enablePgaudit.js";
import { enableSlowQueryLogging } from "./rules/logging/enableSlowQueryLogging.js";
import { configureServerDiagnostics } from "./rules/logging/configureServerDiagnostics.js";
import { declareServerAuditCategoryGroup } from "./rules/logging/declareServerAuditCategoryGroup.js";
import { configureBackupRetention } from "./rules/resilience/configureBackupRetention.js";
import { enableGeoRedundantBackup } from "./rules/resilience/enableGeoRedundantBackup.js";
import { configureMaintenanceWindow } from "./rules/resilience/configureMaintenanceWindow.js";
import { enableZoneRedundantHa } from "./rules/resilience/enableZoneRedundantHa.js";
import { ignoreZoneDrift } from "./rules/resilience/ignoreZoneDrift.js";
import { requireDeletionProtection } from "./rules/resilience/requireDeletionProtection.js";
import { requireLongTermBackup } from "./rules/resilience/requireLongTermBackup.js";
import { requireVirtualEndpoints } from "./rules/resilience/requireVirtualEndpoints.js";
import { validateReadReplicas } from "./rules/resilience/validateReadReplicas.js";
import { disablePublicAccess } from "./rules/keyvault/disablePublicAccess.js";
import { enablePurgeProtection } from "./rules/keyvault/enablePurgeProtection.js";
import { enableRbacAuthorization } from "./rules/keyvault/enableRbacAuthorization.js";
import { enableAuditLogging } from "./rules/keyvault/enableAuditLogging.js";
import { declareVaultAuditCategoryGroup } from "./rules/keyvault/declareVaultAuditCategoryGroup.js";
import { requireSecretContentType } from "./rules/keyvault/requireSecretContentType.js";
import { requireSecretExpiry } from "./rules/keyvault/requireSecretExpiry.js";
import { requirePrivateEndpoint } from "./rules/keyvault/requirePrivateEndpoint.js";
import { requireEndpointDnsZoneGroup } from "./rules/keyvault/requireEndpointDnsZoneGroup.js";
import { restrictRoleAssignments } from "./rules/keyvault/restrictRoleAssignments.js";
import { disallowPreviewApiVersions } from "./rules/general/disallowPreviewApiVersions.js";
import { requireCostTags } from "./rules/general/requireCostTags.js";
import { requireAlertActionGroups } from "./rules/monitoring/requireAlertActionGroups.js";
import { requireServerAlerts } from "./rules/monitoring/requireServerAlerts.js";
import { requireEnhancedMetrics } from "./rules/monitoring/requireEnhancedMetrics.js";
import { requireWaitSampling } from "./rules/monitoring/requireWaitSampling.js";

export const POLICY_PACK_NAME = "authdb-policies";

export const ALL_POLICIES: readonly AuthdbPolicy[] = [
  // Network exposure
  disallowPublicNetworkAccess,
  requirePrivateAccess,
  disallowAzureServicesFirewallRule,
  disallowBroadFirewallRange,
  restrictDatabaseSubnetIngress,
  // Encryption / TLS
  requireSecureTransport,
  requireMinimumTlsVersion,
  configureCustomerManagedKey,
  // Identity
  requireEntraAuthentication,
  requireEntraOnlyAuthentication,
  enableDefenderForDatabases,
  enforceGeneratedPasswordStrength,
  requireSecretInputs,
  // Logging / auditing
  enableLogCheckpoints,
  enableLogConnections,
  enableLogDisconnections,
  enableConnectionThrottling,
  configureLogRetention,
  enablePgaudit,
  configureLogLinePrefix,
  enableSlowQueryLogging,
  configureServerDiagnostics,
  declareServerAuditCategoryGroup,
  // Backup, DR, HA
  enableGeoRedundantBackup,
  configureBackupRetention,
  enableZoneRedundantHa,
  configureMaintenanceWindow,
  requireDeletionProtection,
  ignoreZoneDrift,
  validateReadReplicas,
  requireLongTermBackup,
  requireVirtualEndpoints,
  // Key Vault
  enablePurgeProtection,
  enableRbacAuthorization,
  disablePublicAccess,
  requirePrivateEndpoint,
  requireEndpointDnsZoneGroup,
  requireSecretExpiry,
  requireSecretContentType,
  enableAuditLogging,
  declareVaultAuditCategoryGroup,
  restrictRoleAssignments,
  // Monitoring
  requireServerAlerts,
  requireAlertActionGroups,
  requireEnhancedMetrics,
  requireWaitSampling,
  disallowPreviewApiVersions,
  requireCostTags,
];

/** Catalogue rows no rule implements, with the reason (docs/policies.md lists them; a test keeps the two in step). */
export const NOT_APPLICABLE_ROWS: Readonly<Record<string, string>> = {
  E4: "Infrastructure double encryption is a single-server setting (CKV_AZURE_130, CIS 5.2.8 legacy); Flexible Server has no such option — its storage is always encrypted at rest by the platform.",
};

/** The environment the CrossGuard pack is strict for; every other stack gets `packConfigFor(<env>)`. */
export const STRICT_ENVIRONMENT = "prod";

export function enforcementIn(policy: AuthdbPolicy, environment: string): "mandatory" | "advisory" {
  return environment === STRICT_ENVIRONMENT ? policy.meta.enforcement.prod : policy.meta.enforcement.other;
}

/**
 * The `--policy-pack-config` file for a non-prod stack: the rules that are mandatory only in prod become advisory.
 * policy/config/nonprod.json is this object for every non-prod environment (a test keeps the file in step).
 */
export function packConfigFor(environment: string): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  for (const p of ALL_POLICIES) {
    const level = enforcementIn(p, environment);
    if (level !== p.enforcementLevel) config[p.name] = level;
  }
  return config;
}
