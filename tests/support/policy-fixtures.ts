/**
 * Policy fixtures: a small compliant Azure stack shaped like the mock run's captured registrations (CapturedResource),
 * and helpers to mutate one resource of it. Each rule test takes the compliant stack and one mutation.
 */
import { lockWaitQuery } from "../../infra/monitoring/alerts.js";
import { parametersFor } from "../../infra/parameters.js";
import { SECRET_PLACEHOLDER, type CapturedResource } from "../../tools/offline.js";
import { KEY_VAULT_SECRETS_USER } from "../../policy/rules/keyvault/restrictRoleAssignments.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const RG = "rg-fixture";
export const PRIMARY = "pg-fixture";
export const REPLICA = "pg-fixture-krs";
export const VAULT = "kv-fixture";
const id = (provider: string, name: string) => `${SUB}/resourceGroups/${RG}/providers/${provider}/${name}`;
export const PRIMARY_ID = id("Microsoft.DBforPostgreSQL/flexibleServers", PRIMARY);
export const REPLICA_ID = id("Microsoft.DBforPostgreSQL/flexibleServers", REPLICA);
const VAULT_ID = id("Microsoft.KeyVault/vaults", VAULT);
const WORKSPACE_ID = id("Microsoft.OperationalInsights/workspaces", "law-fixture");
const ACTION_GROUP_ID = id("Microsoft.Insights/actionGroups", "ag-fixture");
const NSG_ID = id("Microsoft.Network/networkSecurityGroups", "nsg-database");
const SUBNET_ID = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-fixture/subnets/database-subnet`;
const TAGS = { environment: "prod", service: "phonebill-auth", owner: "devops", "cost-center": "phonebill" };

export interface ResourceExtras {
  readonly dependsOn?: string[];
  readonly protect?: boolean;
  readonly ignoreChanges?: string[];
  readonly secretInputs?: string[];
  readonly stack?: string;
}

export function urnOf(type: string, name: string, stack = "prod"): string {
  return `urn:pulumi:${stack}::authdb::${type}::${name}`;
}

/** A captured registration: `inputs` hides the secret inputs the way the mock run does, `rawInputs` keeps them. */
export function resource(
  type: string,
  name: string,
  rawInputs: Record<string, unknown>,
  extras: ResourceExtras = {},
): CapturedResource {
  const secretInputs = [...(extras.secretInputs ?? [])].sort();
  const inputs = Object.fromEntries(
    Object.entries(rawInputs).map(([k, v]) => [k, secretInputs.includes(k) ? SECRET_PLACEHOLDER : v]),
  );
  return {
    urn: urnOf(type, name, extras.stack),
    type,
    name,
    custom: true,
    parent: null,
    dependsOn: [...(extras.dependsOn ?? [])].sort(),
    protect: extras.protect ?? false,
    ignoreChanges: [...(extras.ignoreChanges ?? [])].sort(),
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    aliasUrns: [],
    provider: null,
    inputs,
    rawInputs,
    secretInputs,
  };
}

const SERVER_URN = urnOf("azure-native:dbforpostgresql:Server", "primary");
const REPLICA_URN = urnOf("azure-native:dbforpostgresql:Server", "replica");

function alert(server: string, serverId: string, serverUrn: string, metric: string): CapturedResource {
  return resource(
    "azure-native:monitor:MetricAlert",
    `${server}-${metric}`,
    {
      ruleName: `${server}-${metric}`,
      resourceGroupName: RG,
      enabled: true,
      severity: 1,
      scopes: [serverId],
      windowSize: "PT5M",
      evaluationFrequency: "PT1M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: metric,
            metricName: metric,
            operator: "GreaterThan",
            threshold: 90,
            timeAggregation: "Average",
          },
        ],
      },
      actions: [{ actionGroupId: ACTION_GROUP_ID }],
      tags: TAGS,
    },
    { dependsOn: [serverUrn] },
  );
}

/** The lock-wait log alert on a server, as the Monitoring component builds it (infra/monitoring/alerts.ts). */
function lockWaitAlert(server: string, serverId: string, serverUrn: string): CapturedResource {
  const measure = { measureColumn: "LockWaitPerExecutionMs" };
  return resource(
    "azure-native:monitor:ScheduledQueryRule",
    `${server}-lock-wait-high`,
    {
      ruleName: `${server}-lock-wait-high`,
      resourceGroupName: RG,
      kind: "LogAlert",
      enabled: true,
      severity: 2,
      scopes: [WORKSPACE_ID],
      windowSize: "PT15M",
      evaluationFrequency: "PT5M",
      criteria: {
        allOf: [
          {
            query: lockWaitQuery(serverId, measure),
            timeAggregation: "Maximum",
            metricMeasureColumn: measure.measureColumn,
            resourceIdColumn: "_ResourceId",
            operator: "GreaterThan",
            threshold: 50,
          },
        ],
      },
      actions: { actionGroups: [ACTION_GROUP_ID] },
      tags: TAGS,
    },
    { dependsOn: [serverUrn] },
  );
}

function diagnostics(name: string, resourceUri: string, dependsOn: string, logs: unknown[]): CapturedResource {
  // The disabled audit entry beside allLogs is the pair Microsoft's category-group definitions count (Azure Policy
  // 5fbd326d, cdd1dbc6, 6b359d8f assigned with categoryGroup=allLogs).
  logs = [{ categoryGroup: "audit", enabled: false }, ...logs];
  return resource(
    "azure-native:monitor:DiagnosticSetting",
    name,
    { name, resourceUri, workspaceId: WORKSPACE_ID, logs, metrics: [{ category: "AllMetrics", enabled: true }] },
    { dependsOn: [dependsOn] },
  );
}

/** A stack that satisfies every rule of the pack, advisory ones included. */
export function compliantStack(): CapturedResource[] {
  // Every server carries the whole declared set (replicas too: Azure copies parameters only at creation).
  const parametersOf = (role: string, server: string, serverUrn: string) =>
    parametersFor("azure").map((p) =>
      resource(
        "azure-native:dbforpostgresql:Configuration",
        `${role}-${p.name}`,
        {
          resourceGroupName: RG,
          serverName: server,
          configurationName: p.name,
          value: p.value,
          source: "user-override",
        },
        { dependsOn: [serverUrn] },
      ),
    );
  const parameters = [
    ...parametersOf("primary", PRIMARY, SERVER_URN),
    ...parametersOf("replica", REPLICA, REPLICA_URN),
  ];
  const serverCommon = {
    resourceGroupName: RG,
    location: "koreacentral",
    version: "15",
    sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
    storage: { type: "Premium_LRS", storageSizeGB: 256, tier: "P30", autoGrow: "Enabled" },
    network: {
      delegatedSubnetResourceId: SUBNET_ID,
      privateDnsZoneArmResourceId: id(
        "Microsoft.Network/privateDnsZones",
        "fixture.private.postgres.database.azure.com",
      ),
      publicNetworkAccess: "Disabled",
    },
    tags: TAGS,
  };
  const serverAlerts = (name: string, sid: string, surn: string, extra: string[] = []) =>
    [
      "is_db_alive",
      "cpu_percent",
      "memory_percent",
      "active_connections",
      "storage_percent",
      "deadlocks",
      ...extra,
    ].map((m) => alert(name, sid, surn, m));

  return [
    resource(
      "azure-native:resources:ResourceGroup",
      "resource-group",
      { resourceGroupName: RG, location: "koreacentral", tags: TAGS },
      { protect: true },
    ),
    resource("azure-native:network:VirtualNetwork", "vnet", {
      virtualNetworkName: "vnet-fixture",
      resourceGroupName: RG,
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      tags: TAGS,
    }),
    resource("azure-native:network:Subnet", "subnet-app", {
      subnetName: "aks-subnet",
      virtualNetworkName: "vnet-fixture",
      resourceGroupName: RG,
      addressPrefix: "10.0.1.0/24",
    }),
    resource(
      "azure-native:network:Subnet",
      "subnet-database",
      {
        subnetName: "database-subnet",
        virtualNetworkName: "vnet-fixture",
        resourceGroupName: RG,
        addressPrefix: "10.0.2.0/24",
        delegations: [{ name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
        networkSecurityGroup: { id: NSG_ID },
      },
      { dependsOn: [urnOf("azure-native:network:NetworkSecurityGroup", "nsg-database")] },
    ),
    resource("azure-native:network:NetworkSecurityGroup", "nsg-database", {
      networkSecurityGroupName: "nsg-database",
      resourceGroupName: RG,
      tags: TAGS,
      securityRules: [
        {
          name: "allow-app-5432",
          access: "Allow",
          direction: "Inbound",
          priority: 100,
          protocol: "Tcp",
          sourceAddressPrefix: "10.0.1.0/24",
          sourcePortRange: "*",
          destinationAddressPrefix: "10.0.2.0/24",
          destinationPortRange: "5432",
        },
        {
          name: "allow-platform-probes",
          access: "Allow",
          direction: "Inbound",
          priority: 4000,
          protocol: "*",
          sourceAddressPrefix: "AzureLoadBalancer",
          sourcePortRange: "*",
          destinationAddressPrefix: "10.0.2.0/24",
          destinationPortRange: "*",
        },
        {
          name: "deny-all-inbound",
          access: "Deny",
          direction: "Inbound",
          priority: 4096,
          protocol: "*",
          sourceAddressPrefix: "*",
          sourcePortRange: "*",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
      ],
    }),
    resource("azure-native:privatedns:PrivateZone", "zone-vault", {
      privateZoneName: "privatelink.vaultcore.azure.net",
      resourceGroupName: RG,
      location: "global",
      tags: TAGS,
    }),
    resource(
      "azure-native:dbforpostgresql:Server",
      "primary",
      {
        ...serverCommon,
        serverName: PRIMARY,
        administratorLogin: "phonebill_admin",
        administratorLoginPassword: "MOCK-SECRET-admin",
        availabilityZone: "1",
        highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "2" },
        backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
        maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 6, startHour: 17, startMinute: 0 },
        authConfig: {
          activeDirectoryAuth: "Enabled",
          passwordAuth: "Disabled",
          tenantId: "11111111-1111-1111-1111-111111111111",
        },
        dataEncryption: {
          type: "AzureKeyVault",
          primaryKeyURI: "https://kv/keys/pg",
          geoBackupKeyURI: "https://kv-krs/keys/pg",
        },
      },
      {
        protect: true,
        ignoreChanges: ["availabilityZone", "highAvailability.standbyAvailabilityZone"],
        secretInputs: ["administratorLoginPassword"],
      },
    ),
    resource(
      "azure-native:dbforpostgresql:Server",
      "replica",
      {
        ...serverCommon,
        serverName: REPLICA,
        location: "koreasouth",
        createMode: "Replica",
        sourceServerResourceId: PRIMARY_ID,
      },
      { protect: true, dependsOn: [SERVER_URN] },
    ),
    ...parameters,
    resource(
      "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
      "entra-admin",
      {
        resourceGroupName: RG,
        serverName: PRIMARY,
        objectId: "6f1c2b1e-0000-4000-8000-00000000a001",
        principalName: "db-admins",
        principalType: "Group",
      },
      { dependsOn: [SERVER_URN] },
    ),
    resource(
      "azure-native:authorization:ManagementLockByScope",
      "primary-lock",
      { scope: PRIMARY_ID, lockName: `${PRIMARY}-cannot-delete`, level: "CanNotDelete" },
      { dependsOn: [SERVER_URN] },
    ),
    ...[
      [PRIMARY, SERVER_URN],
      [REPLICA, REPLICA_URN],
    ].map(([server, urn]) =>
      resource(
        "azure-native:resources:Resource",
        `${server}-threat-protection`,
        {
          resourceGroupName: RG,
          resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
          parentResourcePath: `flexibleServers/${server}`,
          resourceType: "advancedThreatProtectionSettings",
          resourceName: "Default",
          apiVersion: "2025-08-01",
          properties: { state: "Enabled" },
        },
        { dependsOn: [urn] },
      ),
    ),
    resource("azure-native:monitor:ActionGroup", "critical", {
      actionGroupName: "ag-fixture",
      groupShortName: "fixture",
      enabled: true,
      resourceGroupName: RG,
      emailReceivers: [{ name: "oncall", emailAddress: "oncall@example.com" }],
      tags: TAGS,
    }),
    diagnostics("primary-diagnostics", PRIMARY_ID, SERVER_URN, [{ categoryGroup: "allLogs", enabled: true }]),
    diagnostics("replica-diagnostics", REPLICA_ID, REPLICA_URN, [{ categoryGroup: "allLogs", enabled: true }]),
    diagnostics("vault-diagnostics", VAULT_ID, urnOf("azure-native:keyvault:Vault", "vault"), [
      { categoryGroup: "allLogs", enabled: true },
    ]),
    ...serverAlerts(PRIMARY, PRIMARY_ID, SERVER_URN),
    ...serverAlerts(REPLICA, REPLICA_ID, REPLICA_URN, ["physical_replication_delay_in_seconds"]),
    lockWaitAlert(PRIMARY, PRIMARY_ID, SERVER_URN),
    resource(
      "azure-native:keyvault:Vault",
      "vault",
      {
        vaultName: VAULT,
        resourceGroupName: RG,
        location: "koreacentral",
        properties: {
          tenantId: "11111111-1111-1111-1111-111111111111",
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enablePurgeProtection: true,
          softDeleteRetentionInDays: 90,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "None" },
        },
        tags: TAGS,
      },
      { protect: true },
    ),
    resource(
      "azure-native:keyvault:Secret",
      "secret-administrator",
      {
        vaultName: VAULT,
        resourceGroupName: RG,
        secretName: "postgres-administrator-password",
        properties: { value: "MOCK-SECRET-admin", contentType: "password", attributes: { expires: 1_795_000_000 } },
        tags: TAGS,
      },
      { secretInputs: ["properties"] },
    ),
    resource(
      "azure-native:network:PrivateEndpoint",
      "vault-endpoint",
      {
        privateEndpointName: "pe-vault",
        resourceGroupName: RG,
        subnet: {
          id: `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-fixture/subnets/private-endpoint-subnet`,
        },
        privateLinkServiceConnections: [{ name: "vault", groupIds: ["vault"], privateLinkServiceId: VAULT_ID }],
        tags: TAGS,
      },
      { dependsOn: [urnOf("azure-native:keyvault:Vault", "vault")] },
    ),
    resource(
      "azure-native:network:PrivateDnsZoneGroup",
      "vault-endpoint-dns",
      {
        privateEndpointName: "pe-vault",
        privateDnsZoneGroupName: "default",
        resourceGroupName: RG,
        privateDnsZoneConfigs: [
          {
            name: "privatelink-vaultcore-azure-net",
            privateDnsZoneId: id("Microsoft.Network/privateDnsZones", "privatelink.vaultcore.azure.net"),
          },
        ],
      },
      {
        dependsOn: [
          urnOf("azure-native:network:PrivateEndpoint", "vault-endpoint"),
          urnOf("azure-native:privatedns:PrivateZone", "zone-vault"),
        ],
      },
    ),
    resource("azure-native:authorization:RoleAssignment", "vault-app-reader", {
      principalId: "6f1c2b1e-0000-4000-8000-00000000a002",
      principalType: "ServicePrincipal",
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      scope: `${VAULT_ID}/secrets/postgres-application-password`,
    }),
    resource("azure-native:authorization:RoleAssignment", "vault-bootstrap-reader", {
      principalId: "6f1c2b1e-0000-4000-8000-00000000a004",
      principalType: "ServicePrincipal",
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      scope: `${VAULT_ID}/secrets/postgres-administrator-password`,
    }),
    // Long-term retention (B3): a vault and a backup instance of the primary.
    resource(
      "azure-native:dataprotection:BackupVault",
      "ltr-vault",
      {
        resourceGroupName: RG,
        vaultName: "bv-fixture",
        location: "koreacentral",
        identity: { type: "SystemAssigned" },
        properties: { storageSettings: [{ datastoreType: "VaultStore", type: "GeoRedundant" }] },
        tags: TAGS,
      },
      { protect: true },
    ),
    resource(
      "azure-native:dataprotection:BackupInstance",
      "ltr-instance",
      {
        resourceGroupName: RG,
        vaultName: "bv-fixture",
        backupInstanceName: `${PRIMARY}-ltr`,
        properties: {
          objectType: "BackupInstance",
          dataSourceInfo: {
            datasourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
            objectType: "Datasource",
            resourceID: PRIMARY_ID,
          },
          policyInfo: {
            policyId: `${SUB}/resourceGroups/${RG}/providers/Microsoft.DataProtection/backupVaults/bv-fixture/backupPolicies/p`,
          },
        },
      },
      { protect: true, dependsOn: [urnOf("azure-native:dataprotection:BackupVault", "ltr-vault")] },
    ),
    // Virtual endpoints (H6): the pair on the primary, the reader on the replica.
    resource(
      "azure-native:dbforpostgresql:VirtualEndpoint",
      "virtual-endpoints",
      {
        resourceGroupName: RG,
        serverName: PRIMARY,
        virtualEndpointName: "pg-fixture-ve",
        endpointType: "ReadWrite",
        members: [REPLICA],
      },
      { dependsOn: [SERVER_URN, REPLICA_URN] },
    ),
    resource("random:index/randomPassword:RandomPassword", "passwords-administrator", {
      length: 32,
      upper: true,
      lower: true,
      numeric: true,
      special: true,
      minUpper: 2,
      minLower: 2,
      minNumeric: 2,
      minSpecial: 2,
    }),
  ];
}

/** A copy of `stack` in which `fn` has changed the raw inputs of the named resource (and the hidden view with them). */
export function mutate(
  stack: readonly CapturedResource[],
  name: string,
  fn: (inputs: Record<string, any>, r: CapturedResource) => Partial<CapturedResource> | void,
): CapturedResource[] {
  let found = false;
  const out = stack.map((r) => {
    if (r.name !== name) return r;
    found = true;
    const raw = structuredClone(r.rawInputs) as Record<string, any>;
    const changes = fn(raw, r) ?? {};
    const secretInputs = changes.secretInputs ?? r.secretInputs;
    const inputs = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, secretInputs.includes(k) ? SECRET_PLACEHOLDER : v]),
    );
    return { ...r, ...changes, rawInputs: raw, inputs };
  });
  if (!found) throw new Error(`fixture has no resource named ${name}`);
  return out;
}

export function without(
  stack: readonly CapturedResource[],
  predicate: (r: CapturedResource) => boolean,
): CapturedResource[] {
  const out = stack.filter((r) => !predicate(r));
  if (out.length === stack.length) throw new Error("without(): nothing matched");
  return out;
}
