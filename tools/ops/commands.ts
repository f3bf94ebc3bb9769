/**
 * What the daily check asks Azure, as argv arrays for the deployer's `az` (pure, so the exact commands are tested).
 * Resource Manager calls go through `az rest` where `az` has no command or where the data plane is unreachable: the
 * vault has public network access disabled (docs/decisions.md D24), so `az keyvault secret list` — a data-plane call —
 * cannot work from a CI runner, while the ARM secrets list returns the same attributes without any value.
 */
import type { AzurePlatform } from "../../infra/config/platform.js";
import { passwordSecretName } from "../../infra/secrets/key-vault.js";
import { PASSWORD_ROLES } from "../../infra/types.js";

export const ARM = "https://management.azure.com";
export const API = {
  alertsManagement: "2019-05-05-preview",
  securityAssessments: "2020-01-01",
  keyVault: "2023-07-01",
} as const;

export interface OpsServer {
  readonly name: string;
  readonly id: string;
}

export interface OpsTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly resourceGroupId: string;
  readonly primary: OpsServer;
  readonly replicas: readonly OpsServer[];
  readonly expectHa: boolean;
  readonly keyVault: string;
  readonly secretNames: readonly string[];
  readonly lagThresholdSeconds: number;
  readonly rotationPeriodDays: number;
}

/** `pulumi stack output --json`, the names the daily check may take from it instead of from config. */
export interface StackOutputs {
  readonly resourceGroupName?: string;
  readonly primaryServerName?: string;
  readonly primaryServerId?: string;
  readonly replicaServerNames?: Readonly<Record<string, string>>;
  readonly replicaServerIds?: Readonly<Record<string, string>>;
  readonly keyVaultName?: string;
  readonly passwordSecretNames?: Readonly<Record<string, string>>;
}

export function opsTarget(platform: AzurePlatform, subscriptionId: string, outputs: StackOutputs = {}): OpsTarget {
  const resourceGroup = outputs.resourceGroupName || platform.resourceGroupName;
  const resourceGroupId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  const serverId = (name: string) => `${resourceGroupId}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
  const primaryName = outputs.primaryServerName || platform.server.name;
  const replicaNames = platform.replicas.map((r) => outputs.replicaServerNames?.[r.region] ?? r.name);
  const ids = Object.values(outputs.replicaServerIds ?? {});
  return {
    subscriptionId,
    resourceGroup,
    resourceGroupId,
    primary: { name: primaryName, id: outputs.primaryServerId || serverId(primaryName) },
    replicas: replicaNames.map((name) => ({ name, id: ids.find((i) => i.endsWith(`/${name}`)) ?? serverId(name) })),
    expectHa: platform.server.highAvailability.mode !== "Disabled",
    keyVault: outputs.keyVaultName || platform.keyVault.name,
    secretNames: outputs.passwordSecretNames
      ? Object.values(outputs.passwordSecretNames)
      : PASSWORD_ROLES.map(passwordSecretName),
    lagThresholdSeconds: platform.monitoring.alerts.replicaLagSeconds.threshold,
    rotationPeriodDays: platform.passwords.rotationPeriodDays,
  };
}

const json = ["--only-show-errors", "-o", "json"];

export const accountShow = (): string[] => ["account", "show", ...json];

export function azCommands(t: OpsTarget) {
  const rg = ["--resource-group", t.resourceGroup];
  const rest = (url: string) => ["rest", "--method", "get", "--url", url, ...json];
  return {
    server: ["postgres", "flexible-server", "show", ...rg, "--name", t.primary.name, ...json],
    replicas: ["postgres", "flexible-server", "replica", "list", ...rg, "--name", t.primary.name, ...json],
    lag: t.replicas.map((r) => ({
      replica: r,
      argv: [
        "monitor",
        "metrics",
        "list",
        "--resource",
        r.id,
        "--metric",
        "physical_replication_delay_in_seconds",
        "--interval",
        "PT1M",
        "--aggregation",
        "Maximum",
        "--offset",
        "1h",
        ...json,
      ],
    })),
    backups: ["postgres", "flexible-server", "backup", "list", ...rg, "--name", t.primary.name, ...json],
    alerts: rest(
      `${ARM}/subscriptions/${t.subscriptionId}/providers/Microsoft.AlertsManagement/alerts?api-version=${API.alertsManagement}&targetResourceGroup=${t.resourceGroup}&timeRange=1d`,
    ),
    defender: rest(
      `${ARM}${t.resourceGroupId}/providers/Microsoft.Security/assessments?api-version=${API.securityAssessments}`,
    ),
    secrets: rest(
      `${ARM}${t.resourceGroupId}/providers/Microsoft.KeyVault/vaults/${t.keyVault}/secrets?api-version=${API.keyVault}`,
    ),
  };
}
