/**
 * Which input paths of each resource type the provider can change in place (`updatable`) and which force a new
 * resource (`create-only`), as data, each row with where it comes from. The change preview reads this table to tell an
 * update from a replacement; tests/unit/tools/preview/mutability.test.ts fails when the program (prod, dev and local
 * stacks) sets an input path no row classifies.
 *
 * How azure-native decides (pulumi/pulumi-azure-native):
 * - provider/pkg/provider/diff.go, calculateDetailedDiff: "All the parameters that are part of the resource path cause
 *   a replacement." — resourceGroupName, serverName, vaultName, … are create-only.
 * - provider/pkg/gen/properties.go, forceNew: a body property whose `x-ms-mutability` has "create" but not "update"
 *   forces a replacement; "Lack of the extension means updatable by default."; diff.go applies that to top-level
 *   properties and to the properties of the types they reference (`backup.geoRedundantBackup`).
 * - provider/pkg/gen/replacement.go, forceNewMap: properties the provider replaces on although the spec does not say
 *   so (RoleAssignment principalId/scope, PrivateEndpoint subnet, VirtualNetwork and ResourceGroup location).
 * A row's path covers itself and everything below it (`tags` covers `tags.owner`; `securityRules` covers
 * `securityRules[].priority`). The most specific row wins.
 */
import type { Source } from "../../infra/config/azure-facts.js";

export type Mutability = "create-only" | "updatable";

export interface MutabilityRow {
  readonly type: string;
  /** Input path as the SDK spells it, `[]` for array elements; `*` alone = every input of the type. */
  readonly path: string;
  readonly mutability: Mutability;
  readonly source: Source;
  /** Where this row's classification differs from what the provider itself would do, and why. */
  readonly note?: string;
}

const SPEC = "Azure/azure-rest-api-specs specification";
const PG_SPEC = `${SPEC}/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01`;

const PATH_PARAMETER: Source = {
  kind: "provider",
  ref: "pulumi/pulumi-azure-native provider/pkg/provider/diff.go (calculateDetailedDiff)",
  quote: "All the parameters that are part of the resource path cause a replacement.",
};
const TRACKED_LOCATION: Source = {
  kind: "rest-spec",
  ref: `${SPEC}/common-types/resource-management/v5/types.json#/definitions/TrackedResource (location)`,
  quote:
    '"location": { "type": "string", "x-ms-mutability": ["read", "create"], "description": "The geo-location where the resource lives" }',
};
const TRACKED_TAGS: Source = {
  kind: "rest-spec",
  ref: `${SPEC}/common-types/resource-management/v5/types.json#/definitions/TrackedResource (tags)`,
  quote:
    '"tags": { "type": "object", … "x-ms-mutability": ["read", "create", "update"], "description": "Resource tags." }',
};
/** The provider's default for a body property whose spec carries no x-ms-mutability. */
const noMutability = (specFile: string): Source => ({
  kind: "provider",
  ref: `pulumi/pulumi-azure-native provider/pkg/gen/properties.go (forceNew), over ${specFile}`,
  quote:
    "Mutability extension signals whether a property can be updated in-place. Lack of the extension means updatable by default.",
});
const FORCE_NEW_MAP = (entry: string): Source => ({
  kind: "provider",
  ref: "pulumi/pulumi-azure-native provider/pkg/gen/replacement.go (forceNewMap)",
  quote: entry,
});
const spec = (file: string, quote: string): Source => ({ kind: "rest-spec", ref: file, quote });

const KUBERNETES_DIFF: Source = {
  kind: "provider",
  ref: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties)",
  quote:
    'props := metadataForceNewProperties(".metadata") … prefix + ".name", prefix + ".namespace" … "ConfigMap": properties{".binaryData", ".data"} … var job = … ".spec.template"',
};
const KUBERNETES_IN_PLACE: Source = {
  kind: "provider",
  ref: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties)",
  quote: "Only the listed fields force a replacement; every other field is patched in place (server-side apply).",
};
const RANDOM_REPLACE: Source = {
  kind: "provider",
  ref: "hashicorp/terraform-provider-random internal/provider/resource_password.go, resource_bytes.go (bridged by pulumi/pulumi-random)",
  quote:
    "keepers: Arbitrary map of values that, when changed, will trigger recreation of resource. (every argument carries a RequiresReplace plan modifier)",
};
const TLS_REPLACE: Source = {
  kind: "provider",
  ref: "hashicorp/terraform-provider-tls internal/provider/resource_*.go (bridged by pulumi/pulumi-tls)",
  quote: "Key and certificate arguments carry RequiresReplace: a new key or certificate is generated on any change.",
};
const COMMAND_TRIGGERS: Source = {
  kind: "provider",
  ref: "node_modules/@pulumi/command/local/command.d.ts (triggers)",
  quote: "Trigger replacements on changes to this input.",
};
const COMMAND_UPDATE: Source = {
  kind: "provider",
  ref: "node_modules/@pulumi/command/local/command.d.ts (update)",
  quote:
    "The command to run on update, if empty, create will run again. — a change of create, environment or interpreter is an in-place update that runs the create command again.",
};
const DOCKER_REPLACE: Source = {
  kind: "provider",
  ref: "kreuzwerker/terraform-provider-docker internal/provider/resource_docker_*.go (bridged by pulumi/pulumi-docker)",
  quote: "Container, network, volume and image arguments are ForceNew: the provider recreates them on a change.",
};
const PROVIDER_CONFIG: Source = {
  kind: "provider",
  ref: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (DiffConfig)",
  quote:
    "A change of enableServerSideApply is a provider configuration change, not a replacement of the cluster objects.",
};

const rows: MutabilityRow[] = [];
const add = (type: string, paths: readonly string[], mutability: Mutability, source: Source, note?: string) => {
  for (const path of paths) rows.push({ type, path, mutability, source, ...(note ? { note } : {}) });
};

/** An azure-native resource: path parameters create-only, location create-only where tracked, tags updatable. */
function arm(
  type: string,
  o: {
    pathParams: readonly string[];
    tracked?: boolean;
    specFile: string;
    updatable: readonly string[];
    createOnly?: readonly { path: string; source: Source; note?: string }[];
  },
) {
  add(type, o.pathParams, "create-only", PATH_PARAMETER);
  if (o.tracked) {
    add(type, ["location"], "create-only", TRACKED_LOCATION);
    add(type, ["tags"], "updatable", TRACKED_TAGS);
  }
  add(type, o.updatable, "updatable", noMutability(o.specFile));
  for (const c of o.createOnly ?? []) add(type, [c.path], "create-only", c.source, c.note);
}

// --- PostgreSQL Flexible Server (read in full for this table) --------------------------------------------------------
const SERVERS = `${PG_SPEC}/Servers.json`;
arm("azure-native:dbforpostgresql:Server", {
  pathParams: ["resourceGroupName", "serverName"],
  tracked: true,
  specFile: SERVERS,
  updatable: [
    "version",
    "sku",
    "storage",
    "authConfig",
    "backup.backupRetentionDays",
    "highAvailability",
    "maintenanceWindow",
    "network",
    "createMode",
    "administratorLoginPassword",
  ],
  createOnly: [
    {
      path: "administratorLogin",
      source: spec(
        `${SERVERS}#/definitions/ServerProperties/properties/administratorLogin`,
        'Once set to a given value, it cannot be changed for the rest of the life of a server. … "x-ms-mutability": ["create", "read"]',
      ),
    },
    {
      path: "availabilityZone",
      source: spec(
        `${SERVERS}#/definitions/ServerProperties/properties/availabilityZone`,
        '"description": "Availability zone of a server.", "x-ms-mutability": ["create", "read"]',
      ),
    },
    {
      path: "sourceServerResourceId",
      source: spec(
        `${SERVERS}#/definitions/ServerProperties/properties/sourceServerResourceId`,
        '"description": "Identifier of the server to be used as the source of the new server. …", "x-ms-mutability": ["create", "read"]',
      ),
    },
    {
      path: "backup.geoRedundantBackup",
      source: spec(
        `${SERVERS}#/definitions/Backup/properties/geoRedundantBackup`,
        '"description": "Indicates if the server is configured to create geographically redundant backups.", … "x-ms-mutability": ["create", "read"]',
      ),
    },
  ],
});
// administratorLoginPassword: "x-ms-mutability": ["create", "update"] ("this password can be changed at any time");
// createMode: ["create", "update"]; the rest carries no x-ms-mutability in ServerProperties (Servers.json).
// storage.storageSizeGB is updatable but only upwards — the preview refuses a shrink (tools/preview/rules.ts).

const DATABASES = `${PG_SPEC}/Databases.json`;
add(
  "azure-native:dbforpostgresql:Database",
  ["resourceGroupName", "serverName", "databaseName"],
  "create-only",
  PATH_PARAMETER,
);
add(
  "azure-native:dbforpostgresql:Database",
  ["charset", "collation"],
  "create-only",
  {
    kind: "postgresql",
    ref: "https://www.postgresql.org/docs/15/locale.html (24.1.1 Overview)",
    quote:
      "Some locale categories must have their values fixed when the database is created. You can use different settings for different databases, but once a database is created, you cannot change them for that database anymore. LC_COLLATE and LC_CTYPE are these categories.",
  },
  `Differs from the provider: ${DATABASES} gives charset and collation no x-ms-mutability, so azure-native would send an in-place PUT that PostgreSQL cannot honour; the only way to a new collation is a new database.`,
);

arm("azure-native:dbforpostgresql:Configuration", {
  pathParams: ["resourceGroupName", "serverName", "configurationName"],
  specFile: `${PG_SPEC}/Configurations.json`,
  updatable: ["value", "source"],
});
arm("azure-native:applicationinsights:Workbook", {
  pathParams: ["resourceGroupName", "resourceName"],
  tracked: true,
  specFile: `${SPEC}/applicationinsights/resource-manager/Microsoft.Insights/stable/2023-06-01/workbooks_API.json`,
  // WorkbookProperties and WorkbookUpdateParameters give none of these an x-ms-mutability (read 2023-06-01).
  updatable: ["displayName", "serializedData", "version", "category", "sourceId", "kind"],
});
arm("azure-native:consumption:Budget", {
  pathParams: ["scope", "budgetName"],
  specFile: `${SPEC}/consumption/resource-manager/Microsoft.Consumption/stable/2024-08-01/consumption.json`,
  // Not re-read property by property (the provider's default is stated, as for the other non-PostgreSQL types).
  updatable: ["amount", "category", "timeGrain", "timePeriod", "notifications"],
});
arm("azure-native:dbforpostgresql:VirtualEndpoint", {
  pathParams: ["resourceGroupName", "serverName", "virtualEndpointName"],
  specFile: `${PG_SPEC}/VirtualEndpoints.json`,
  updatable: ["endpointType", "members[]"],
});
arm("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", {
  pathParams: ["resourceGroupName", "serverName", "objectId"],
  specFile: `${PG_SPEC}/AdministratorsMicrosoftEntra.json`,
  updatable: ["principalName", "principalType", "tenantId"],
});

// --- Authorization ---------------------------------------------------------------------------------------------------
arm("azure-native:authorization:ManagementLockByScope", {
  pathParams: ["scope", "lockName"],
  specFile: `${SPEC}/resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json`,
  updatable: ["level", "notes"],
});
arm("azure-native:authorization:RoleAssignment", {
  pathParams: ["scope", "roleAssignmentName"],
  specFile: `${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json`,
  updatable: ["principalType", "roleDefinitionId"],
  createOnly: [
    { path: "principalId", source: FORCE_NEW_MAP('"RoleAssignment": codegen.NewStringSet("principalId", "scope")') },
  ],
});

// --- Azure Backup (long-term retention, D75) -------------------------------------------------------------------------
// dataprotection.json 2025-01-01 read for these types: BackupVaultResource (DppTrackedResource → DppBaseTrackedResource:
// location, tags; identity), BackupVault, SecuritySettings, ImmutabilitySettings, SoftDeleteSettings, StorageSetting,
// FeatureSettings, BaseBackupPolicy/BackupPolicy and BackupInstance/Datasource/PolicyInfo carry no x-ms-mutability; the
// only create-only inputs are the path parameters (#/parameters/VaultName, BackupInstanceName, the policy's name).
// replacement.go's forceNewMap has no DataProtection entry.
const DATAPROTECTION = `${SPEC}/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-01-01/dataprotection.json`;
arm("azure-native:dataprotection:BackupVault", {
  pathParams: ["resourceGroupName", "vaultName"],
  specFile: DATAPROTECTION,
  updatable: ["location", "tags", "identity", "properties"],
});
add(
  "azure-native:dataprotection:BackupVault",
  ["properties.securitySettings.immutabilitySettings.state"],
  "updatable",
  noMutability(DATAPROTECTION),
  'Azure refuses to leave Locked (Learn backup-azure-immutable-vault-how-to-manage: the lock "makes immutability setting for the vault irreversible"); the provider would still send the update.',
);
arm("azure-native:dataprotection:BackupPolicy", {
  pathParams: ["resourceGroupName", "vaultName", "backupPolicyName"],
  specFile: DATAPROTECTION,
  updatable: ["properties"],
});
add(
  "azure-native:dataprotection:BackupPolicy",
  ["properties.policyRules"],
  "updatable",
  noMutability(DATAPROTECTION),
  'Learn (backup-azure-database-postgresql-flex-use-rest-api-create-update-policy): "Currently, updating or modifying an existing policy isn\'t supported." The program names the policy after a digest of its rules, so a change of rules is a change of backupPolicyName — a new policy, never this update.',
);
arm("azure-native:dataprotection:BackupInstance", {
  pathParams: ["resourceGroupName", "vaultName", "backupInstanceName"],
  specFile: DATAPROTECTION,
  updatable: ["properties"],
});

// --- Key Vault -------------------------------------------------------------------------------------------------------
const KEYVAULT = `${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01`;
arm("azure-native:keyvault:Vault", {
  pathParams: ["resourceGroupName", "vaultName"],
  tracked: true,
  specFile: `${KEYVAULT}/keyvault.json`,
  updatable: ["properties"],
});
arm("azure-native:keyvault:Secret", {
  pathParams: ["resourceGroupName", "vaultName", "secretName"],
  specFile: `${KEYVAULT}/secrets.json`,
  updatable: ["properties", "tags"],
});

// --- Network ---------------------------------------------------------------------------------------------------------
const NETWORK = `${SPEC}/network/resource-manager/Microsoft.Network/stable`;
arm("azure-native:network:VirtualNetwork", {
  pathParams: ["resourceGroupName", "virtualNetworkName"],
  specFile: `${NETWORK}/virtualNetwork.json`,
  updatable: ["addressSpace", "enableDdosProtection", "enableVmProtection", "tags"],
  createOnly: [{ path: "location", source: FORCE_NEW_MAP('"VirtualNetwork":  codegen.NewStringSet("location")') }],
});
arm("azure-native:network:Subnet", {
  pathParams: ["resourceGroupName", "virtualNetworkName", "subnetName"],
  specFile: `${NETWORK}/virtualNetwork.json`,
  updatable: [
    "addressPrefix",
    "delegations",
    "networkSecurityGroup",
    "privateEndpointNetworkPolicies",
    "privateLinkServiceNetworkPolicies",
    "serviceEndpoints",
  ],
});
arm("azure-native:network:NetworkSecurityGroup", {
  pathParams: ["resourceGroupName", "networkSecurityGroupName"],
  tracked: true,
  specFile: `${NETWORK}/networkSecurityGroup.json`,
  updatable: ["securityRules"],
});
arm("azure-native:network:VirtualNetworkPeering", {
  pathParams: ["resourceGroupName", "virtualNetworkName", "virtualNetworkPeeringName"],
  specFile: `${NETWORK}/virtualNetwork.json`,
  updatable: [
    "allowForwardedTraffic",
    "allowGatewayTransit",
    "allowVirtualNetworkAccess",
    "remoteVirtualNetwork",
    "useRemoteGateways",
  ],
});
arm("azure-native:network:PrivateEndpoint", {
  pathParams: ["resourceGroupName", "privateEndpointName"],
  tracked: true,
  specFile: `${NETWORK}/privateEndpoint.json`,
  updatable: ["customNetworkInterfaceName", "privateLinkServiceConnections"],
  createOnly: [{ path: "subnet", source: FORCE_NEW_MAP('"PrivateEndpoint": codegen.NewStringSet("subnet")') }],
});
arm("azure-native:network:PrivateDnsZoneGroup", {
  pathParams: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
  specFile: `${NETWORK}/privateEndpoint.json`,
  updatable: ["privateDnsZoneConfigs"],
});
const PRIVATEDNS = `${SPEC}/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json`;
arm("azure-native:privatedns:PrivateZone", {
  pathParams: ["resourceGroupName", "privateZoneName"],
  tracked: true,
  specFile: PRIVATEDNS,
  updatable: [],
});
arm("azure-native:privatedns:VirtualNetworkLink", {
  pathParams: ["resourceGroupName", "privateZoneName", "virtualNetworkLinkName"],
  tracked: true,
  specFile: PRIVATEDNS,
  updatable: ["registrationEnabled", "virtualNetwork"],
});

// --- Monitoring ------------------------------------------------------------------------------------------------------
const MONITOR = `${SPEC}/monitor/resource-manager/Microsoft.Insights/stable`;
arm("azure-native:monitor:ActionGroup", {
  pathParams: ["resourceGroupName", "actionGroupName"],
  tracked: true,
  specFile: `${MONITOR}/actionGroups_API.json`,
  updatable: ["emailReceivers", "smsReceivers", "webhookReceivers", "enabled", "groupShortName"],
});
arm("azure-native:monitor:ActivityLogAlert", {
  pathParams: ["resourceGroupName", "activityLogAlertName"],
  tracked: true,
  specFile: `${MONITOR}/activityLogAlerts_API.json`,
  updatable: ["actions", "condition", "description", "enabled", "scopes"],
});
arm("azure-native:monitor:DiagnosticSetting", {
  pathParams: ["resourceUri", "name"],
  specFile: `${MONITOR}/diagnosticsSettings_API.json`,
  updatable: ["logAnalyticsDestinationType", "logs", "metrics", "workspaceId"],
});
arm("azure-native:monitor:MetricAlert", {
  pathParams: ["resourceGroupName", "ruleName"],
  tracked: true,
  specFile: `${MONITOR}/metricAlert_API.json`,
  updatable: [
    "actions",
    "autoMitigate",
    "criteria",
    "description",
    "enabled",
    "evaluationFrequency",
    "scopes",
    "severity",
    "windowSize",
  ],
});
arm("azure-native:monitor:ScheduledQueryRule", {
  pathParams: ["resourceGroupName", "ruleName"],
  tracked: true,
  specFile: `${MONITOR}/scheduledQueryRule_API.json`,
  updatable: [
    "actions",
    "autoMitigate",
    "criteria",
    "description",
    "displayName",
    "enabled",
    "evaluationFrequency",
    "kind",
    "scopes",
    "severity",
    "skipQueryValidation",
    "windowSize",
  ],
});
const OPINSIGHTS = `${SPEC}/operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2023-09-01`;
arm("azure-native:operationalinsights:Workspace", {
  pathParams: ["resourceGroupName", "workspaceName"],
  tracked: true,
  specFile: `${OPINSIGHTS}/Workspaces.json`,
  updatable: ["retentionInDays", "sku"],
});
arm("azure-native:operationalinsights:Table", {
  pathParams: ["resourceGroupName", "workspaceName", "tableName"],
  specFile: `${OPINSIGHTS}/Tables.json`,
  updatable: ["retentionInDays", "totalRetentionInDays"],
});

// --- Resources -------------------------------------------------------------------------------------------------------
arm("azure-native:resources:ResourceGroup", {
  pathParams: ["resourceGroupName"],
  specFile: `${SPEC}/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json`,
  updatable: ["tags"],
  createOnly: [{ path: "location", source: FORCE_NEW_MAP('"ResourceGroup": codegen.NewStringSet("location")') }],
});
arm("azure-native:resources:Resource", {
  pathParams: ["resourceGroupName", "resourceProviderNamespace", "parentResourcePath", "resourceType", "resourceName"],
  specFile: `${SPEC}/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json`,
  updatable: ["apiVersion", "properties"],
});

// --- Other providers -------------------------------------------------------------------------------------------------
add("random:index/randomPassword:RandomPassword", ["*"], "create-only", RANDOM_REPLACE);
add("random:index/randomBytes:RandomBytes", ["*"], "create-only", RANDOM_REPLACE);
for (const t of [
  "tls:index/privateKey:PrivateKey",
  "tls:index/certRequest:CertRequest",
  "tls:index/selfSignedCert:SelfSignedCert",
  "tls:index/locallySignedCert:LocallySignedCert",
])
  add(t, ["*"], "create-only", TLS_REPLACE);
add("command:local:Command", ["triggers"], "create-only", COMMAND_TRIGGERS);
add("command:local:Command", ["create", "environment", "interpreter"], "updatable", COMMAND_UPDATE);
for (const t of [
  "docker:index/container:Container",
  "docker:index/image:Image",
  "docker:index/network:Network",
  "docker:index/volume:Volume",
])
  add(t, ["*"], "create-only", DOCKER_REPLACE);
add("pulumi:providers:kubernetes", ["*"], "updatable", PROVIDER_CONFIG);
for (const t of [
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:core/v1:ConfigMap",
  "kubernetes:batch/v1:Job",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
]) {
  add(t, ["*"], "updatable", KUBERNETES_IN_PLACE);
  add(t, ["metadata.name", "metadata.namespace"], "create-only", KUBERNETES_DIFF);
}
add("kubernetes:core/v1:ConfigMap", ["data", "binaryData"], "create-only", KUBERNETES_DIFF);
add(
  "kubernetes:batch/v1:Job",
  ["spec.template", "spec.completions", "spec.parallelism", "spec.selector"],
  "create-only",
  KUBERNETES_DIFF,
);

export const MUTABILITY: readonly MutabilityRow[] = rows;

/** `a.b[3].c` → `a.b[].c`: the table speaks of array elements, not positions. */
export const normalizePath = (path: string): string => path.replace(/\[\d+\]/g, "[]");

const covers = (rowPath: string, path: string): boolean =>
  rowPath === "*" || path === rowPath || path.startsWith(`${rowPath}.`) || path.startsWith(`${rowPath}[`);

/** The most specific row covering a path of a type, or undefined when the table does not classify it. */
export function classify(
  type: string,
  path: string,
  table: readonly MutabilityRow[] = MUTABILITY,
): MutabilityRow | undefined {
  const p = normalizePath(path);
  let best: MutabilityRow | undefined;
  for (const row of table) {
    if (row.type !== type || !covers(row.path, p)) continue;
    if (!best || specificity(row.path) > specificity(best.path)) best = row;
  }
  return best;
}

const specificity = (rowPath: string) => (rowPath === "*" ? 0 : rowPath.length + 1);

/** Every leaf path of an input object (`[]` for array elements; an empty object or array is a leaf). */
export function leafPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return prefix ? [prefix] : [];
    return [...new Set(value.flatMap((v) => leafPaths(v, `${prefix}[]`)))];
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return prefix ? [prefix] : [];
    return keys.flatMap((k) => leafPaths((value as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return prefix ? [prefix] : [];
}

/** What to add when a path is not classified: the exact row, for the reviewer to source and fill in. */
export function missingRowHint(type: string, path: string): string {
  const top = normalizePath(path).split(/[.[]/)[0];
  return `add to tools/preview/mutability.ts a row { type: "${type}", path: "${top}", mutability: "updatable" | "create-only", source: <the REST spec's x-ms-mutability for ${top}, or the provider's forceNew> }`;
}
