/**
 * Per rule: the compliant fixture passes it and one mutation of that fixture violates it, with a message that says why.
 * Runs through evaluatePolicies, i.e. through the same CrossGuard-shaped arguments `npm run plan` builds.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicies } from "../../../policy/evaluate.js";
import { ALL_POLICIES } from "../../../policy/pack.js";
import type { AuthdbPolicy } from "../../../policy/rule.js";
import type { CapturedResource } from "../../../tools/offline.js";
import {
  PRIMARY,
  REPLICA,
  REPLICA_ID,
  compliantStack,
  mutate,
  resource,
  without,
} from "../../support/policy-fixtures.js";

interface Case {
  /** What the mutation breaks. */
  readonly broken: string;
  readonly violate: (stack: CapturedResource[]) => CapturedResource[];
  /** A fragment the violation message must contain. */
  readonly expect: RegExp;
}

const setParameter = (name: string, value: string | undefined) => (s: CapturedResource[]) =>
  value === undefined
    ? without(s, (r) => r.name === `primary-${name}`)
    : mutate(s, `primary-${name}`, (i) => void (i.value = value));

const firewallRule = (start: string, end: string) => (s: CapturedResource[]) => [
  ...s,
  resource("azure-native:dbforpostgresql:FirewallRule", "firewall", {
    resourceGroupName: "rg",
    serverName: PRIMARY,
    firewallRuleName: "fw",
    startIpAddress: start,
    endIpAddress: end,
  }),
];

const dropAlert = (metric: string) => (s: CapturedResource[]) => without(s, (r) => r.name === `${PRIMARY}-${metric}`);

/** One entry per policy name: a test fails when a policy has no case (or a case names no policy). */
const CASES: Readonly<Record<string, Case>> = {
  "postgres-disallow-public-network-access": {
    broken: "public network access on",
    violate: (s) => mutate(s, "primary", (i) => void (i.network.publicNetworkAccess = "Enabled")),
    expect: /publicNetworkAccess=Enabled/,
  },
  "postgres-require-private-access": {
    broken: "replica without delegated subnet or private endpoint",
    violate: (s) => mutate(s, "replica", (i) => void (i.network = { publicNetworkAccess: "Disabled" })),
    expect: new RegExp(`${REPLICA} has no private access`),
  },
  "postgres-disallow-azure-services-firewall-rule": {
    broken: "an allow-Azure-services firewall rule",
    violate: firewallRule("0.0.0.0", "0.0.0.0"),
    expect: /allows all Azure services/,
  },
  "postgres-disallow-broad-firewall-range": {
    broken: "an allow-all firewall rule",
    violate: firewallRule("0.0.0.0", "255.255.255.255"),
    expect: /0\.0\.0\.0 – 255\.255\.255\.255/,
  },
  "network-restrict-database-subnet-ingress": {
    broken: "5432 open to the whole internet on the database NSG",
    violate: (s) => mutate(s, "nsg-database", (i) => void (i.securityRules[0].sourceAddressPrefix = "*")),
    expect: /allows inbound from \*/,
  },
  "postgres-require-secure-transport": {
    broken: "require_secure_transport OFF",
    violate: setParameter("require_secure_transport", "OFF"),
    expect: /require_secure_transport is "OFF"/,
  },
  "postgres-require-minimum-tls-version": {
    broken: "TLS 1.0 allowed",
    violate: setParameter("ssl_min_protocol_version", "TLSv1"),
    expect: /ssl_min_protocol_version is "TLSv1"/,
  },
  "postgres-configure-customer-managed-key": {
    broken: "service-managed keys",
    violate: (s) => mutate(s, "primary", (i) => void delete i.dataEncryption),
    expect: /service-managed keys/,
  },
  "postgres-require-entra-authentication": {
    broken: "no Entra administrator",
    violate: (s) => without(s, (r) => r.name === "entra-admin"),
    expect: /no AdministratorsMicrosoftEntra/,
  },
  "postgres-require-entra-only-authentication": {
    broken: "password authentication on",
    violate: (s) => mutate(s, "primary", (i) => void (i.authConfig.passwordAuth = "Enabled")),
    expect: /allows password authentication/,
  },
  "postgres-enable-defender-for-databases": {
    broken: "replica without Defender",
    violate: (s) => without(s, (r) => r.name === `${REPLICA}-threat-protection`),
    expect: new RegExp(`${REPLICA} is not covered by Defender`),
  },
  "secrets-enforce-generated-password-strength": {
    broken: "12-character passwords without special characters",
    violate: (s) =>
      mutate(s, "passwords-administrator", (i) => void Object.assign(i, { length: 12, special: false, minSpecial: 0 })),
    expect: /12-character/,
  },
  "secrets-require-secret-inputs": {
    broken: "administrator password passed in plain text",
    violate: (s) => mutate(s, "primary", () => ({ secretInputs: [] })),
    expect: /administratorLoginPassword in plain text/,
  },
  "postgres-enable-log-checkpoints": {
    broken: "log_checkpoints off",
    violate: setParameter("log_checkpoints", "OFF"),
    expect: /log_checkpoints is "OFF"/,
  },
  "postgres-enable-log-connections": {
    broken: "log_connections not set",
    violate: setParameter("log_connections", undefined),
    expect: /log_connections is \(not set\)/,
  },
  "postgres-enable-log-disconnections": {
    broken: "log_disconnections off",
    violate: setParameter("log_disconnections", "OFF"),
    expect: /log_disconnections/,
  },
  "postgres-enable-connection-throttling": {
    broken: "throttling off",
    violate: setParameter("connection_throttle.enable", "OFF"),
    expect: /connection_throttle.enable/,
  },
  "postgres-configure-log-retention": {
    broken: "3 days of log files",
    violate: setParameter("logfiles.retention_days", "3"),
    expect: /must be at least 7/,
  },
  "postgres-enable-pgaudit": {
    broken: "pgaudit logging only WRITE",
    violate: setParameter("pgaudit.log", "WRITE"),
    expect: /must include ROLE, DDL, MISC/,
  },
  "postgres-configure-log-line-prefix": {
    broken: "default log_line_prefix",
    violate: setParameter("log_line_prefix", "%m [%p] "),
    expect: /log_line_prefix is/,
  },
  "postgres-enable-slow-query-logging": {
    broken: "slow-query logging off",
    violate: setParameter("log_min_duration_statement", "-1"),
    expect: /-1 turns slow-query logging off/,
  },
  "monitoring-configure-server-diagnostics": {
    broken: "replica without diagnostic setting",
    violate: (s) => without(s, (r) => r.name === "replica-diagnostics"),
    expect: new RegExp(`${REPLICA} has no diagnostic setting`),
  },
  "monitoring-declare-server-audit-category-group": {
    broken: "replica diagnostics with allLogs alone (no audit entry)",
    violate: (s) =>
      mutate(s, "replica-diagnostics", (i) => void (i.logs = [{ categoryGroup: "allLogs", enabled: true }])),
    expect: new RegExp(
      `server ${REPLICA} has no Log Analytics diagnostic setting with exactly one \\{categoryGroup: audit`,
    ),
  },
  "postgres-enable-geo-redundant-backup": {
    broken: "geo-redundant backup off",
    violate: (s) => mutate(s, "primary", (i) => void (i.backup.geoRedundantBackup = "Disabled")),
    expect: /geoRedundantBackup=Disabled/,
  },
  "postgres-configure-backup-retention": {
    broken: "retention 7 days in prod",
    violate: (s) => mutate(s, "primary", (i) => void (i.backup.backupRetentionDays = 7)),
    expect: /7 days, below the prod floor of 35 days/,
  },
  "postgres-enable-zone-redundant-ha": {
    broken: "HA off",
    violate: (s) => mutate(s, "primary", (i) => void (i.highAvailability = { mode: "Disabled" })),
    expect: /highAvailability.mode=Disabled/,
  },
  "postgres-configure-maintenance-window": {
    broken: "system-managed maintenance window",
    violate: (s) => mutate(s, "primary", (i) => void delete i.maintenanceWindow),
    expect: /system-managed maintenance window/,
  },
  "postgres-require-deletion-protection": {
    broken: "missing lock",
    violate: (s) => without(s, (r) => r.name === "primary-lock"),
    expect: /no CanNotDelete management lock/,
  },
  "postgres-ignore-zone-drift": {
    broken: "zone fields not ignored",
    violate: (s) => mutate(s, "primary", () => ({ ignoreChanges: [] })),
    expect: /does not ignore changes to availabilityZone, highAvailability.standbyAvailabilityZone/,
  },
  "postgres-require-long-term-backup": {
    broken: "no backup instance for the primary",
    violate: (s) => without(s, (r) => r.name === "ltr-instance"),
    expect: /server pg-fixture has no long-term backup: no BackupInstance .*vaults: bv-fixture/,
  },
  "postgres-require-virtual-endpoints": {
    broken: "replicas without virtual endpoints",
    violate: (s) => without(s, (r) => r.name === "virtual-endpoints"),
    expect: /1 read replica\(s\) but no virtual endpoints/,
  },
  "postgres-validate-read-replicas": {
    broken: "replica smaller than its primary",
    violate: (s) => mutate(s, "replica", (i) => void (i.sku = { name: "Standard_D2ds_v5", tier: "GeneralPurpose" })),
    expect: /smaller than its primary's Standard_D4ds_v5/,
  },
  "keyvault-enable-purge-protection": {
    broken: "purge protection off",
    violate: (s) => mutate(s, "vault", (i) => void (i.properties.enablePurgeProtection = false)),
    expect: /enablePurgeProtection=true/,
  },
  "keyvault-enable-rbac-authorization": {
    broken: "access-policy permission model",
    violate: (s) => mutate(s, "vault", (i) => void (i.properties.enableRbacAuthorization = false)),
    expect: /enableRbacAuthorization=true/,
  },
  "keyvault-disable-public-access": {
    broken: "vault open to public networks",
    violate: (s) =>
      mutate(
        s,
        "vault",
        (i) =>
          void Object.assign(i.properties, { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } }),
      ),
    expect: /reachable from public networks/,
  },
  "keyvault-require-private-endpoint": {
    broken: "no vault private endpoint",
    violate: (s) => without(s, (r) => r.name === "vault-endpoint"),
    expect: /no private endpoint with groupId vault/,
  },
  "keyvault-require-endpoint-dns-zone-group": {
    broken: "vault endpoint without a private DNS zone group",
    violate: (s) => without(s, (r) => r.name === "vault-endpoint-dns"),
    expect:
      /private endpoint pe-vault \(groupId vault\) has no private DNS zone group naming privatelink.vaultcore.azure.net/,
  },
  "keyvault-require-secret-expiry": {
    broken: "secret without expiry",
    violate: (s) => mutate(s, "secret-administrator", (i) => void delete i.properties.attributes),
    expect: /no properties.attributes.expires/,
  },
  "keyvault-require-secret-content-type": {
    broken: "secret without content type",
    violate: (s) => mutate(s, "secret-administrator", (i) => void delete i.properties.contentType),
    expect: /no properties.contentType/,
  },
  "keyvault-enable-audit-logging": {
    broken: "vault diagnostics without audit logs",
    violate: (s) =>
      mutate(
        s,
        "vault-diagnostics",
        (i) => void (i.logs = [{ category: "AzurePolicyEvaluationDetails", enabled: true }]),
      ),
    expect: /no diagnostic setting sending AuditEvent/,
  },
  "keyvault-declare-vault-audit-category-group": {
    broken: "vault diagnostics with allLogs alone (no audit entry)",
    violate: (s) =>
      mutate(s, "vault-diagnostics", (i) => void (i.logs = [{ categoryGroup: "allLogs", enabled: true }])),
    expect: /vault kv-fixture has no Log Analytics diagnostic setting with exactly one \{categoryGroup: audit/,
  },
  "keyvault-restrict-role-assignments": {
    broken: "Owner on the vault",
    violate: (s) =>
      mutate(
        s,
        "vault-app-reader",
        (i) =>
          void (i.roleDefinitionId =
            "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
      ),
    expect: /grants role 8e3af657/,
  },
  "monitoring-require-server-alerts": {
    broken: "a server without a down alert",
    violate: dropAlert("is_db_alive"),
    expect: /no enabled alert for down \(is_db_alive\)/,
  },
  "monitoring-require-alert-action-groups": {
    broken: "an alert with a 3-minute window",
    violate: (s) => mutate(s, `${PRIMARY}-cpu_percent`, (i) => void (i.windowSize = "PT3M")),
    expect: /windowSize PT3M/,
  },
  "general-disallow-preview-api-versions": {
    broken: "a server from a preview API module",
    violate: (s) => mutate(s, "primary", () => ({ type: "azure-native:dbforpostgresql/v20240801preview:Server" })),
    expect: /preview API module/,
  },
  "monitoring-require-enhanced-metrics": {
    broken: "deadlock alert on a server that does not emit enhanced metrics",
    violate: setParameter("metrics.collector_database_activity", "off"),
    expect: new RegExp(
      `server ${PRIMARY} alerts on the enhanced metric deadlocks but metrics.collector_database_activity is "off", must be "on"`,
    ),
  },
  "monitoring-require-wait-sampling": {
    broken: "lock-wait alert on a server that does not sample waits",
    violate: setParameter("pgms_wait_sampling.query_capture_mode", "none"),
    expect: new RegExp(
      `server ${PRIMARY} has the wait-sampling alert ${PRIMARY}-lock-wait-high but pgms_wait_sampling.query_capture_mode is "none", must be "all"`,
    ),
  },
  "general-require-cost-tags": {
    broken: "a vault without cost-center",
    violate: (s) => mutate(s, "vault", (i) => void delete i.tags["cost-center"]),
    expect: /lacks the tag cost-center/,
  },
};

/** The plan's deliberately broken configurations beyond one per rule (the combinations one rule per fixture would miss). */
const BROKEN_CONFIGURATIONS: readonly (Case & { readonly policy: string })[] = [
  {
    policy: "postgres-require-long-term-backup",
    broken: "the backup instance protects the replica, not the primary",
    violate: (s) => mutate(s, "ltr-instance", (i) => void (i.properties.dataSourceInfo.resourceID = REPLICA_ID)),
    expect: /server pg-fixture has no long-term backup/,
  },
  {
    policy: "postgres-require-long-term-backup",
    broken: "the backup instance sits in a vault that is not in the stack",
    violate: (s) =>
      without(
        mutate(s, "ltr-instance", () => ({ dependsOn: [] })),
        (r) => r.name === "ltr-vault",
      ),
    expect: /no BackupInstance in a Backup vault of this stack protects it \(no BackupVault\)/,
  },
  {
    policy: "postgres-require-virtual-endpoints",
    broken: "the reader endpoint names no replica",
    violate: (s) => mutate(s, "virtual-endpoints", (i) => void (i.members = [PRIMARY])),
    expect: /name no replica as the reader's member/,
  },
  {
    policy: "monitoring-require-server-alerts",
    broken: "a server without a deadlock alert",
    violate: dropAlert("deadlocks"),
    expect: new RegExp(`server ${PRIMARY} has no enabled alert for deadlocks \\(deadlocks\\)`),
  },
  {
    policy: "monitoring-require-enhanced-metrics",
    broken: "the collector left at Azure's default (not declared)",
    violate: setParameter("metrics.collector_database_activity", undefined),
    expect: /metrics\.collector_database_activity is \(not set\), must be "on"/,
  },
  {
    policy: "monitoring-require-wait-sampling",
    broken: "Query Store off, which silences wait sampling",
    violate: setParameter("pg_qs.query_capture_mode", "none"),
    expect: /pg_qs\.query_capture_mode is "none", must be "top" or "all"/,
  },
  {
    policy: "monitoring-require-server-alerts",
    broken: "a server without any alerts",
    violate: (s) => without(s, (r) => r.name.startsWith(`${REPLICA}-`)),
    expect: /replication lag/,
  },
  {
    policy: "postgres-require-deletion-protection",
    broken: "server not protected",
    violate: (s) => mutate(s, "primary", () => ({ protect: false })),
    expect: /Server primary is not protected/,
  },
  {
    policy: "network-restrict-database-subnet-ingress",
    broken: "no deny-all rule",
    violate: (s) => mutate(s, "nsg-database", (i) => void i.securityRules.pop()),
    expect: /no inbound deny-all rule/,
  },
  {
    policy: "network-restrict-database-subnet-ingress",
    broken: "a second port open to the app subnet",
    violate: (s) => mutate(s, "nsg-database", (i) => void (i.securityRules[0].destinationPortRange = "22")),
    expect: /allows inbound port 22/,
  },
  {
    policy: "postgres-enable-zone-redundant-ha",
    broken: "standby in the primary's zone",
    violate: (s) => mutate(s, "primary", (i) => void (i.highAvailability.standbyAvailabilityZone = "1")),
    expect: /must differ/,
  },
  {
    policy: "postgres-validate-read-replicas",
    broken: "replica with its own backup",
    violate: (s) => mutate(s, "replica", (i) => void (i.backup = { backupRetentionDays: 7 })),
    expect: /passes backup/,
  },
  {
    policy: "postgres-enable-log-connections",
    broken: "a replica without log_connections (parameters reach replicas only at creation)",
    violate: (s) => without(s, (r) => r.name === "replica-log_connections"),
    expect: new RegExp(`server ${REPLICA}: log_connections is \\(not set\\)`),
  },
  {
    policy: "postgres-configure-log-retention",
    broken: "retention 7 days but log capture off",
    violate: (s) => mutate(s, "primary-logfiles.download_enable", (i) => void (i.value = "off")),
    expect: /logfiles.download_enable is "off", must be on/,
  },
  {
    policy: "postgres-require-deletion-protection",
    broken: "a resource-level lock with an empty parent path instead of a lock by scope",
    violate: (s) =>
      mutate(s, "primary-lock", (i) => {
        delete i.scope;
        Object.assign(i, {
          apiVersion: "2025-08-01",
          resourceName: PRIMARY,
          resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
          resourceType: "flexibleServers",
          parentResourcePath: "",
        });
        return { type: "azure-native:authorization:ManagementLockAtResourceLevel" };
      }),
    expect: /no CanNotDelete management lock \(ManagementLockByScope/,
  },
  {
    policy: "monitoring-configure-server-diagnostics",
    broken: "a fixed list of log categories instead of the allLogs group",
    violate: (s) =>
      mutate(s, "primary-diagnostics", (i) => void (i.logs = [{ category: "PostgreSQLLogs", enabled: true }])),
    expect: /must send the allLogs category group and AllMetrics/,
  },
  {
    policy: "postgres-enable-defender-for-databases",
    broken: "the primary's threat protection set to Disabled",
    violate: (s) => mutate(s, `${PRIMARY}-threat-protection`, (i) => void (i.properties = { state: "Disabled" })),
    expect: new RegExp(`${PRIMARY} is not covered by Defender`),
  },
  {
    policy: "keyvault-restrict-role-assignments",
    broken: "the application reading every secret (Secrets User on the whole vault)",
    violate: (s) => mutate(s, "vault-app-reader", (i) => void (i.scope = i.scope.replace(/\/secrets\/[^/]+$/, ""))),
    expect: /Secrets User on the whole vault .*: scope it to the one secret/,
  },
  {
    policy: "keyvault-restrict-role-assignments",
    broken: "a standing Secrets Officer for the deployer",
    violate: (s) =>
      mutate(
        s,
        "vault-bootstrap-reader",
        (i) => void (i.roleDefinitionId = i.roleDefinitionId.replace(/[^/]+$/, "b86a8fe4-44ce-4948-aee5-eccb2c155cd7")),
      ),
    expect: /grants Key Vault Secrets Officer .*: no standing writer/,
  },
  {
    policy: "keyvault-enable-purge-protection",
    broken: "soft delete 120 days",
    violate: (s) => mutate(s, "vault", (i) => void (i.properties.softDeleteRetentionInDays = 120)),
    expect: /outside 7–90/,
  },
  {
    policy: "monitoring-declare-server-audit-category-group",
    broken: "the audit entry enabled (the count of disabled audit entries is 0)",
    violate: (s) =>
      mutate(
        s,
        "primary-diagnostics",
        (i) =>
          void (i.logs = [
            { categoryGroup: "audit", enabled: true },
            { categoryGroup: "allLogs", enabled: true },
          ]),
      ),
    expect: new RegExp(`server ${PRIMARY} has no Log Analytics diagnostic setting`),
  },
  {
    policy: "monitoring-declare-server-audit-category-group",
    broken: "the pair on a setting without a workspace",
    violate: (s) => mutate(s, "primary-diagnostics", (i) => void delete i.workspaceId),
    expect: new RegExp(`server ${PRIMARY} has no Log Analytics diagnostic setting`),
  },
  {
    policy: "keyvault-require-endpoint-dns-zone-group",
    broken: "the vault endpoint's zone group naming another zone",
    violate: (s) =>
      mutate(
        s,
        "vault-endpoint-dns",
        (i) =>
          void (i.privateDnsZoneConfigs[0].privateDnsZoneId = i.privateDnsZoneConfigs[0].privateDnsZoneId.replace(
            "privatelink.vaultcore.azure.net",
            "privatelink.blob.core.windows.net",
          )),
      ),
    expect: /pe-vault \(groupId vault\) has no private DNS zone group/,
  },
];

function run(policy: AuthdbPolicy, stack: CapturedResource[], environment = "prod") {
  return evaluatePolicies(stack, { environment, policies: [policy] });
}

describe("policy rules: compliant and violating fixture per rule", () => {
  it("the signal rules judge only servers with such an alert: the parameter off without the alert is no violation", () => {
    const byName = (n: string) => ALL_POLICIES.find((p) => p.name === n)!;
    const noDeadlockAlert = without(setParameter("metrics.collector_database_activity", "off")(compliantStack()), (r) =>
      r.name.endsWith("-deadlocks"),
    );
    assert.deepEqual(run(byName("monitoring-require-enhanced-metrics"), noDeadlockAlert), []);
    const noLockAlert = without(setParameter("pgms_wait_sampling.query_capture_mode", "none")(compliantStack()), (r) =>
      r.name.endsWith("-lock-wait-high"),
    );
    assert.deepEqual(run(byName("monitoring-require-wait-sampling"), noLockAlert), []);
  });

  it("every policy of the pack has a case, and every case names a policy", () => {
    assert.deepEqual(Object.keys(CASES).sort(), ALL_POLICIES.map((p) => p.name).sort());
  });

  for (const policy of ALL_POLICIES) {
    const c = CASES[policy.name];
    describe(`${policy.meta.catalogueId} ${policy.name}`, () => {
      it("passes the compliant fixture", () => {
        assert.deepEqual(run(policy, compliantStack()), []);
      });
      it(`reports ${c?.broken ?? "(no case)"}`, () => {
        assert.ok(c, `no case for ${policy.name}`);
        const violations = run(policy, c.violate(compliantStack()));
        assert.ok(violations.length > 0, "expected a violation");
        assert.ok(violations.every((v) => v.policy === policy.name && v.catalogueId === policy.meta.catalogueId));
        assert.ok(
          violations.some((v) => c.expect.test(v.message)),
          `messages: ${violations.map((v) => v.message).join(" | ")}`,
        );
        assert.ok(
          violations.every((v) => v.message.startsWith(`[${policy.meta.catalogueId}] `)),
          "messages name the catalogue row",
        );
      });
    });
  }

  for (const c of BROKEN_CONFIGURATIONS) {
    it(`${c.policy} reports ${c.broken}`, () => {
      const policy = ALL_POLICIES.find((p) => p.name === c.policy)!;
      const violations = run(policy, c.violate(compliantStack()));
      assert.ok(
        violations.some((v) => c.expect.test(v.message)),
        `messages: ${violations.map((v) => v.message).join(" | ")}`,
      );
    });
  }

  it("the compliant fixture passes the whole pack, advisory rules included", () => {
    assert.deepEqual(evaluatePolicies(compliantStack(), { environment: "prod" }), []);
  });
});
