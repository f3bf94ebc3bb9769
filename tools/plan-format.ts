/** Turns an offline run into the readable tree and the JSON document of `npm run plan`. */
import type { Violation as PolicyViolation } from "../policy/evaluate.js";
import { type CostReport, costText } from "./cost.js";
import type { CapturedResource, OfflineRun } from "./offline.js";

/** A policy verdict as the plan reports it: the evaluator's violation, in the documented JSON shape. */
export type Violation = Pick<PolicyViolation, "policy" | "enforcement" | "urn" | "message">;

export interface PlanDocument {
  readonly project: string;
  readonly stack: string;
  readonly resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    dependsOn: string[];
    protect: boolean;
    ignoreChanges: string[];
    inputs: Record<string, unknown>;
    /*
     * Added after the original fields (older plan files lack them; the change preview reads both): what the change
     * preview needs to judge a diff against this plan as its base (tools/preview/).
     */
    custom?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    replaceOnChanges?: string[];
    propertyDependencies?: Record<string, string[]>;
    /** The URNs the resource's aliases name: a base resource under one of them is this one, renamed. */
    aliasUrns?: string[];
  }[];
  readonly outputs: Record<string, unknown>;
  readonly violations: Violation[];
  /** The monthly cost estimate (tools/cost.ts); added after the original fields so older readers still parse. */
  readonly cost?: CostReport;
}

export function planDocument(run: OfflineRun, violations: readonly Violation[], cost?: CostReport): PlanDocument {
  return {
    project: run.project,
    stack: run.stack,
    resources: run.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      dependsOn: r.dependsOn,
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      inputs: r.inputs,
      custom: r.custom,
      retainOnDelete: r.retainOnDelete,
      deleteBeforeReplace: r.deleteBeforeReplace,
      replaceOnChanges: r.replaceOnChanges,
      propertyDependencies: r.propertyDependencies,
      aliasUrns: r.aliasUrns,
    })),
    outputs: run.outputs,
    violations: [...violations],
    ...(cost ? { cost } : {}),
  };
}

/** Stable JSON: keys are already sorted by the capture; arrays keep program order. */
export function planJson(doc: PlanDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/*
 * describe() reads the inputs of two dozen resource types as the monitor recorded them (plain JSON). Typing each shape
 * would restate the SDK's input types for a one-line summary, so the unsafe-any rules are off for this block only.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument */
type Inputs = Record<string, any>;

const join = (parts: (string | undefined | false)[]) => parts.filter(Boolean).join(", ");

/** The settings that matter for each resource type, in one line. */
export function describe(r: CapturedResource): string {
  const i = r.inputs as Inputs;
  switch (r.type) {
    case "azure-native:resources:ResourceGroup":
      return join([i.resourceGroupName, i.location]);
    case "azure-native:dbforpostgresql:Server":
      return i.createMode === "Replica"
        ? join([
            `${i.serverName} (replica)`,
            i.location,
            i.sku?.name,
            `${i.storage?.storageSizeGB} GiB ${i.storage?.tier ?? ""}`.trim(),
            i.availabilityZone ? `zone ${i.availabilityZone}` : "no zone",
          ])
        : join([
            `${i.serverName} (PostgreSQL ${i.version})`,
            i.location,
            `${i.sku?.name} ${i.sku?.tier}`,
            `${i.storage?.type} ${i.storage?.storageSizeGB} GiB ${i.storage?.tier ?? ""} auto-grow ${i.storage?.autoGrow}`,
            `zone ${i.availabilityZone ?? "-"}`,
            `HA ${i.highAvailability?.mode}${i.highAvailability?.standbyAvailabilityZone ? ` standby zone ${i.highAvailability.standbyAvailabilityZone}` : ""}`,
            `backup ${i.backup?.backupRetentionDays} d geo ${i.backup?.geoRedundantBackup}`,
            `public access ${i.network?.publicNetworkAccess}`,
            i.maintenanceWindow
              ? `maintenance UTC day ${i.maintenanceWindow.dayOfWeek} ${String(i.maintenanceWindow.startHour).padStart(2, "0")}:${String(i.maintenanceWindow.startMinute).padStart(2, "0")}`
              : undefined,
          ]);
    case "azure-native:dbforpostgresql:Configuration":
      return `${i.configurationName} = ${i.value}`;
    case "azure-native:dbforpostgresql:Database":
      return join([i.databaseName, i.charset, i.collation]);
    case "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra":
      return join([i.principalName, i.principalType]);
    case "azure-native:authorization:ManagementLockAtResourceLevel":
      return join([i.level, `${i.resourceType}/${i.resourceName}`]);
    case "command:local:Command":
      return join([String(i.create ?? "").split(" --")[0], `trigger ${(i.triggers ?? []).join(",")}`]);
    case "azure-native:network:VirtualNetwork":
      return join([i.virtualNetworkName, i.location, (i.addressSpace?.addressPrefixes ?? []).join(" ")]);
    case "azure-native:network:Subnet":
      return join([
        i.subnetName,
        i.addressPrefix,
        (i.delegations ?? []).map((d: Inputs) => `delegated to ${d.serviceName}`).join(" "),
      ]);
    case "azure-native:network:NetworkSecurityGroup":
      return join([i.networkSecurityGroupName, `${(i.securityRules ?? []).length} rules`]);
    case "azure-native:network:VirtualNetworkPeering":
      return join([i.virtualNetworkPeeringName ?? r.name]);
    case "azure-native:privatedns:PrivateZone":
      return join([i.privateZoneName]);
    case "azure-native:privatedns:VirtualNetworkLink":
      return join([i.privateZoneName, `registration ${i.registrationEnabled ?? false}`]);
    case "azure-native:keyvault:Vault":
      return join([
        i.vaultName,
        `RBAC ${i.properties?.enableRbacAuthorization}`,
        `purge protection ${i.properties?.enablePurgeProtection}`,
        `soft delete ${i.properties?.softDeleteRetentionInDays} d`,
        `public access ${i.properties?.publicNetworkAccess}`,
      ]);
    case "azure-native:keyvault:Secret":
      return join([
        i.secretName,
        `value ${i.properties?.value}`,
        i.properties?.contentType,
        i.properties?.attributes?.expires
          ? `expires ${new Date(i.properties.attributes.expires * 1000).toISOString().slice(0, 10)}`
          : undefined,
      ]);
    case "random:index/randomPassword:RandomPassword":
      return join([
        `length ${i.length}`,
        `min upper/lower/digit/special ${i.minUpper}/${i.minLower}/${i.minNumeric}/${i.minSpecial}`,
        `rotation ${i.keepers?.rotation}`,
      ]);
    case "azure-native:monitor:MetricAlert": {
      const c = i.criteria?.allOf?.[0] ?? {};
      return join([
        i.ruleName,
        `${c.metricName} ${c.timeAggregation} ${c.operator} ${c.threshold}`,
        `window ${i.windowSize} every ${i.evaluationFrequency}`,
        `sev ${i.severity}`,
      ]);
    }
    case "azure-native:monitor:ScheduledQueryRule":
      return join([i.ruleName, `window ${i.windowSize} every ${i.evaluationFrequency}`, `sev ${i.severity}`]);
    case "azure-native:monitor:ActionGroup":
      return join([
        i.actionGroupName,
        `${(i.emailReceivers ?? []).length} email, ${(i.smsReceivers ?? []).length} sms, ${(i.webhookReceivers ?? []).length} webhook`,
      ]);
    case "azure-native:monitor:DiagnosticSetting":
      return join([i.name, `${(i.logs ?? []).length} log categories`, `${(i.metrics ?? []).length} metric categories`]);
    case "azure-native:operationalinsights:Workspace":
      return join([i.workspaceName, `retention ${i.retentionInDays} d`]);
    case "azure-native:authorization:RoleAssignment":
      return join([
        String(i.roleDefinitionId ?? "")
          .split("/")
          .pop(),
        `principal ${i.principalId}`,
      ]);
    default:
      return "";
  }
}

/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument */

const ALERT_TYPES = new Set([
  "azure-native:monitor:MetricAlert",
  "azure-native:monitor:ScheduledQueryRule",
  "azure-native:monitor:ActivityLogAlert",
]);

/** Alerts grouped by the PostgreSQL server they watch (found from the server's id in the alert's inputs). */
export function alertPackByServer(run: OfflineRun): Map<string, string[]> {
  const servers = run.resources
    .filter((r) => r.type === "azure-native:dbforpostgresql:Server")
    .map((r) => String((r.inputs as Inputs).serverName));
  const packs = new Map<string, string[]>(servers.map((s) => [s, []]));
  for (const alert of run.resources.filter((r) => ALERT_TYPES.has(r.type))) {
    const text = JSON.stringify(alert.inputs);
    // Longest names first, so a replica whose name extends the primary's is not counted for the primary.
    const server = [...servers]
      .sort((a, b) => b.length - a.length)
      .find((s) => text.includes(`/flexibleServers/${s}"`) || text.includes(`/flexibleServers/${s}'`));
    if (server) packs.get(server)!.push(describe(alert) || alert.name);
  }
  for (const [s, alerts] of packs) if (alerts.length === 0) packs.delete(s);
  return packs;
}

function flags(r: CapturedResource): string {
  return join([
    r.protect && "protected",
    r.retainOnDelete && "retained on delete",
    r.ignoreChanges.length > 0 && `ignores ${r.ignoreChanges.join(" ")}`,
  ]);
}

/** The readable plan: resources as a tree under their components, a count by type and the policy verdicts. */
export function planText(
  run: OfflineRun,
  violations: readonly Violation[],
  notes: readonly string[] = [],
  cost?: CostReport,
): string {
  const byParent = new Map<string | null, CapturedResource[]>();
  for (const r of run.resources) {
    const list = byParent.get(r.parent) ?? [];
    list.push(r);
    byParent.set(r.parent, list);
  }
  const lines: string[] = [`authdb plan — stack ${run.stack} (offline, under Pulumi mocks)`, ""];
  const walk = (parent: string | null, depth: number) => {
    for (const r of byParent.get(parent) ?? []) {
      const detail = describe(r);
      const f = flags(r);
      const kind = r.custom ? r.type : `${r.type} (component)`;
      lines.push(
        `${"  ".repeat(depth)}${depth > 0 ? "- " : ""}${r.name}  [${kind}]${detail ? `  ${detail}` : ""}${f ? `  {${f}}` : ""}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk(null, 0);

  const counts = new Map<string, number>();
  for (const r of run.resources) if (r.custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  lines.push("", `Resources by type (${[...counts.values()].reduce((a, b) => a + b, 0)} in all):`);
  for (const [type, n] of [...counts.entries()].sort()) lines.push(`  ${String(n).padStart(3)}  ${type}`);

  const packs = alertPackByServer(run);
  if (packs.size > 0) {
    lines.push("", "Alert pack per server:");
    for (const [server, alerts] of packs) lines.push(`  ${server}:`, ...alerts.map((a) => `    - ${a}`));
  }

  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries(run.outputs))
    lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);

  if (cost) lines.push("", ...costText(cost));

  const mandatory = violations.filter((v) => v.enforcement === "mandatory");
  lines.push(
    "",
    `Policy: ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory violation(s)`,
  );
  for (const v of violations)
    lines.push(`  [${v.enforcement}] ${v.policy}: ${v.message}${v.urn ? `  (${v.urn.split("::").pop()})` : ""}`);
  if (notes.length) lines.push("", ...notes.map((n) => `Note: ${n}`));
  return `${lines.join("\n")}\n`;
}
