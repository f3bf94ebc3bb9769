/**
 * Monitoring: Log Analytics workspace, diagnostic settings on every server and on the vault, action groups from config,
 * and the alert pack per server role (the catalogue itself lives in alerts.ts).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights/index.js";
import * as consumption from "@pulumi/azure-native/consumption/index.js";
import * as monitor from "@pulumi/azure-native/monitor/index.js";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights/index.js";
import {
  DIAGNOSTIC_LOG_GROUPS,
  ALL_METRICS,
  type ActivityLogAlertDefinition,
  type LogAlertDefinition,
  METRICS_TABLE,
  type MetricAlertDefinition,
  alertRuleName,
  alertsFor,
  logAlertQuery,
} from "./alerts.js";
import { alertThresholds, buildWorkbook } from "./workbook.js";
import type { AzurePlatform } from "../config/platform.js";
import type { ServerRef, Tags } from "../types.js";

export interface MonitoringArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  /** Scope of the cost budget (platform.monitoring.budget). */
  readonly resourceGroupId: pulumi.Input<string>;
  readonly location: string;
  readonly monitoring: AzurePlatform["monitoring"];
  readonly servers: readonly ServerRef[];
  readonly keyVaultId: pulumi.Input<string>;
  /** Secret; required when an action group has teams: true (config validation guarantees it). */
  readonly teamsWebhookUrl?: pulumi.Output<string>;
  readonly tags: Tags;
}

/** Receiver kinds a group does not use are omitted, so the plan shows only the receivers the config asked for. */
function receivers<T>(list: readonly T[]): T[] | undefined {
  return list.length > 0 ? [...list] : undefined;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly workspaceId!: pulumi.Output<string>;
  readonly actionGroupIds: Readonly<Record<string, pulumi.Output<string>>> = {};
  /** Azure rule names of the alert pack, per server name (what `npm run plan` shows as the pack per server). */
  readonly alertsByServer: Readonly<Record<string, readonly string[]>> = {};

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:Monitoring", name, {}, opts);
    const { monitoring, resourceGroupName, tags } = args;
    const ws = monitoring.workspace;

    // keeps logs 30 days and metrics 90. The workspace retention covers every log table; the metrics a
    // diagnostic setting sends land in AzureMetrics, whose own retention is raised to the metrics figure (interactive,
    // so they stay queryable by KQL for the whole period). Platform metrics are also kept 93 days by Azure Monitor itself.
    const workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        resourceGroupName,
        workspaceName: ws.name,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: ws.retentionDays,
        tags,
      },
      { parent: this },
    );
    new operationalinsights.Table(
      `${name}-metrics-retention`,
      {
        resourceGroupName,
        workspaceName: workspace.name,
        tableName: METRICS_TABLE,
        retentionInDays: ws.metricsRetentionDays,
        totalRetentionInDays: ws.metricsRetentionDays,
      },
      // AzureMetrics is a built-in table: Azure refuses to delete it, and the workspace's deletion removes it anyway.
      { parent: this, retainOnDelete: true },
    );
    this.workspaceId = workspace.id;

    // Azure only ever sees the webhook URL as a secret, whatever the caller passed.
    const teamsWebhook = args.teamsWebhookUrl ? pulumi.secret(args.teamsWebhookUrl) : undefined;
    const actionGroupIds: Record<string, pulumi.Output<string>> = {};
    for (const [key, group] of Object.entries(monitoring.actionGroups)) {
      if (group.teams && !teamsWebhook) {
        throw new Error(
          `action group ${key} has teams: true but no teamsWebhookUrl was given (set authdb:teamsWebhookUrl as a secret)`,
        );
      }
      const actionGroup = new monitor.ActionGroup(
        `${name}-action-group-${key}`,
        {
          resourceGroupName,
          actionGroupName: group.name,
          groupShortName: group.shortName,
          location: "Global",
          enabled: true,
          emailReceivers: receivers(
            group.emails.map((emailAddress, i) => ({
              name: `email-${i + 1}`,
              emailAddress,
              useCommonAlertSchema: true,
            })),
          ),
          smsReceivers: receivers(
            group.sms.map((s, i) => ({ name: `sms-${i + 1}`, countryCode: s.countryCode, phoneNumber: s.phoneNumber })),
          ),
          // The URL is meant to be a Teams Workflows webhook: classic Teams connectors expect a MessageCard and reject
          // Azure Monitor's payload, whereas a workflow parses the common alert schema (docs/monitoring.md).
          webhookReceivers:
            group.teams && teamsWebhook
              ? [{ name: "teams", serviceUri: teamsWebhook, useCommonAlertSchema: true }]
              : undefined,
          tags,
        },
        { parent: this },
      );
      actionGroupIds[key] = actionGroup.id;
    }
    this.actionGroupIds = actionGroupIds;
    const groupId = (key: string): pulumi.Output<string> => {
      const id = actionGroupIds[key];
      if (!id) throw new Error(`alert routed to action group ${key}, which is not in platform.monitoring.actionGroups`);
      return id;
    };

    // Category group allLogs (with audit listed, disabled: the pair Azure Policy counts) plus AllMetrics, as Microsoft's
    // built-in DeployIfNotExists definitions deploy them: a log category Azure adds later is collected without a change.
    const everything = {
      logs: DIAGNOSTIC_LOG_GROUPS.map((group) => ({ ...group })),
      metrics: [{ category: ALL_METRICS, enabled: true }],
    };
    new monitor.DiagnosticSetting(
      `${name}-key-vault-diagnostics`,
      {
        name: monitoring.diagnosticSettingName,
        resourceUri: args.keyVaultId,
        workspaceId: workspace.id,
        ...everything,
      },
      { parent: this },
    );

    const alertsByServer: Record<string, string[]> = {};
    for (const server of args.servers) {
      // Dedicated = resource-specific tables (PGSQLQueryStoreRuntime, PGSQLServerLogs, …), which the response-time
      // alert queries; AzureDiagnostics would bury the same rows in a shared, column-capped table.
      const diagnostics = new monitor.DiagnosticSetting(
        `${name}-${server.name}-diagnostics`,
        {
          name: monitoring.diagnosticSettingName,
          resourceUri: server.id,
          workspaceId: workspace.id,
          logAnalyticsDestinationType: "Dedicated",
          ...everything,
        },
        { parent: this },
      );

      const pack = alertsFor(server, monitoring.alerts);
      for (const alert of pack) {
        const resourceName = `${name}-${server.name}-${alert.suffix}`;
        const ruleName = alertRuleName(server.name, alert);
        switch (alert.kind) {
          case "metric":
            this.metricAlert(resourceName, ruleName, alert, server, groupId(alert.actionGroup), args);
            break;
          case "log":
            this.logAlert(
              resourceName,
              ruleName,
              alert,
              server,
              workspace.id,
              groupId(alert.actionGroup),
              diagnostics,
              args,
            );
            break;
          case "activityLog":
            this.activityLogAlert(resourceName, ruleName, alert, server, groupId(alert.actionGroup), args);
            break;
        }
      }
      alertsByServer[server.name] = pack.map((a) => alertRuleName(server.name, a));
    }
    this.alertsByServer = alertsByServer;

    if (monitoring.budget) this.budget(name, monitoring.budget, groupId, args);
    this.workbook(name, workspace.id, args);

    this.registerOutputs({ workspaceId: this.workspaceId, actionGroupIds, alertsByServer });
  }

  /**
   * The workbook of the plan's indicators (R-6.2.1, R-9.1.2 대시보드), built by buildWorkbook from the same catalogue
   * as the alert pack. A workbook's resource name must be a GUID (REST spec Microsoft.Insights workbooks; the
   * provider's own example uses one); it is derived from the workspace name so it is stable across runs and stacks
   * differ.
   */
  private workbook(name: string, workspaceId: pulumi.Output<string>, args: MonitoringArgs): void {
    const primary = args.servers.find((s) => s.role === "primary");
    const thresholds = alertThresholds(args.monitoring.alerts, primary?.maxConnections ?? 0);
    const serializedData = pulumi.all([workspaceId, pulumi.all(args.servers.map((s) => s.id))]).apply(([ws, ids]) =>
      JSON.stringify(
        buildWorkbook({
          workspaceId: ws,
          thresholds,
          servers: args.servers.map((s, i) => ({ name: s.name, role: s.role, id: ids[i] })),
        }),
      ),
    );
    new applicationinsights.Workbook(
      `${name}-workbook`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: workbookGuid(args.monitoring.workspace.name),
        location: args.location,
        kind: "shared",
        category: "workbook",
        displayName: `authdb plan indicators (${args.monitoring.workspace.name})`,
        serializedData,
        sourceId: workspaceId,
        version: "Notebook/1.0",
        tags: args.tags,
      },
      { parent: this },
    );
  }

  /**
   * Monthly cost budget on the resource group (R-11.1.1 cost). Two notifications: actual cost past
   * actualPercent (money already spent) and forecast cost past forecastPercent (the month is heading over), each to the
   * configured action groups. Action groups are "Only supported at Subscription or Resource Group scopes" (provider
   * consumption NotificationArgs.contactGroups), which is why the scope is the resource group; contactEmails is
   * required by the API but may be empty when a group is given ("Must have at least one contact email or contact
   * group specified at the Subscription or Resource Group scopes").
   */
  private budget(
    name: string,
    budget: NonNullable<AzurePlatform["monitoring"]["budget"]>,
    groupId: (key: string) => pulumi.Output<string>,
    args: MonitoringArgs,
  ): void {
    const contactGroups = budget.actionGroups.map(groupId);
    const notification = (thresholdType: "Actual" | "Forecasted", threshold: number) => ({
      enabled: true,
      operator: "GreaterThan",
      threshold,
      thresholdType,
      contactEmails: [],
      contactGroups,
    });
    new consumption.Budget(
      `${name}-budget`,
      {
        scope: args.resourceGroupId,
        budgetName: budget.name,
        amount: budget.amount,
        category: "Cost",
        timeGrain: "Monthly",
        timePeriod: { startDate: budget.startDate },
        notifications: {
          [`actual-${budget.actualPercent}-percent`]: notification("Actual", budget.actualPercent),
          [`forecast-${budget.forecastPercent}-percent`]: notification("Forecasted", budget.forecastPercent),
        },
      },
      // Azure fills in endDate (start + 10 years) when none is given; without this every refresh shows a diff.
      { parent: this, ignoreChanges: ["timePeriod.endDate"] },
    );
  }

  private metricAlert(
    resourceName: string,
    ruleName: string,
    alert: MetricAlertDefinition,
    server: ServerRef,
    actionGroupId: pulumi.Output<string>,
    args: MonitoringArgs,
  ): void {
    new monitor.MetricAlert(
      resourceName,
      {
        resourceGroupName: args.resourceGroupName,
        ruleName,
        location: "global",
        description: alert.description,
        severity: alert.severity,
        enabled: true,
        scopes: [server.id],
        windowSize: alert.windowSize,
        evaluationFrequency: alert.evaluationFrequency,
        autoMitigate: true,
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [
            {
              criterionType: "StaticThresholdCriterion",
              name: alert.key,
              metricName: alert.metricName,
              metricNamespace: alert.metricNamespace,
              operator: alert.operator,
              threshold: alert.threshold,
              timeAggregation: alert.timeAggregation,
            },
          ],
        },
        actions: [{ actionGroupId }],
        tags: args.tags,
      },
      { parent: this },
    );
  }

  private logAlert(
    resourceName: string,
    ruleName: string,
    alert: LogAlertDefinition,
    server: ServerRef,
    workspaceId: pulumi.Output<string>,
    actionGroupId: pulumi.Output<string>,
    diagnostics: monitor.DiagnosticSetting,
    args: MonitoringArgs,
  ): void {
    new monitor.ScheduledQueryRule(
      resourceName,
      {
        resourceGroupName: args.resourceGroupName,
        ruleName,
        // Log alert rules are regional; keeping them with the workspace keeps the query data in one region.
        location: args.location,
        kind: "LogAlert",
        displayName: ruleName,
        description: alert.description,
        severity: alert.severity,
        enabled: true,
        scopes: [workspaceId],
        windowSize: alert.windowSize,
        evaluationFrequency: alert.evaluationFrequency,
        autoMitigate: true,
        // PGSQLQueryStoreRuntime and PGSQLServerLogs appear in a new workspace only once their first rows arrive;
        // without this, creating the rule fails query validation on the first deployment.
        skipQueryValidation: true,
        criteria: {
          allOf: [
            {
              query: server.id.apply((id) => logAlertQuery(id, alert)),
              timeAggregation: alert.timeAggregation,
              metricMeasureColumn: alert.measureColumn,
              resourceIdColumn: "_ResourceId",
              // The SDK's ConditionOperator enum belongs to another API ("gt"); scheduled query rules take "GreaterThan".
              operator: alert.operator,
              threshold: alert.threshold,
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        actions: { actionGroups: [actionGroupId] },
        tags: args.tags,
      },
      { parent: this, dependsOn: [diagnostics] },
    );
  }

  private activityLogAlert(
    resourceName: string,
    ruleName: string,
    alert: ActivityLogAlertDefinition,
    server: ServerRef,
    actionGroupId: pulumi.Output<string>,
    args: MonitoringArgs,
  ): void {
    new monitor.ActivityLogAlert(
      resourceName,
      {
        resourceGroupName: args.resourceGroupName,
        activityLogAlertName: ruleName,
        location: "Global",
        description: alert.description,
        enabled: true,
        scopes: [server.id],
        condition: {
          allOf: [
            { field: "category", equals: alert.category },
            { field: "resourceType", equals: alert.resourceType },
            {
              anyOf: alert.healthStatuses.map((status) => ({
                field: "properties.currentHealthStatus",
                equals: status,
              })),
            },
          ],
        },
        actions: { actionGroups: [{ actionGroupId }] },
        tags: args.tags,
      },
      { parent: this },
    );
  }
}

/** A stable GUID (RFC 4122 name-based layout, SHA-1) for a workbook, from a name unique per stack. */
export function workbookGuid(seed: string): string {
  const h = createHash("sha1").update(`authdb-workbook:${seed}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
