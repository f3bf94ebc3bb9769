/**
 * The Azure Monitor workbook of the plan's indicators (R-6.2.1, R-9.1.2 step 5 "대시보드 구성"), built as data: for every
 * server a group with the indicators of its role, each drawn with the plan's target and — where the alert pack watches
 * the same signal — the alert threshold, plus replica lag, Resource Health events and backups. Pure: the same layout
 * feeds the workbook JSON (`serializedData` of Microsoft.Insights/workbooks) and the HTML preview.
 *
 * Workbook format: microsoft/Application-Insights-Workbooks schema/workbook.json — top level `version`
 * ("Notebook/1.0") and `items`; item types 1 markdown (`content.json`), 3 query (`KqlItem/1.0`, `queryType` 0 Log
 * Analytics, 1 Azure Resource Graph, 12 Azure Resource Manager), 10 metrics (`MetricsItem/2.0`, metric ids
 * `<namespace>-<category>-<metric>`, aggregation 1 Sum, 2 Min, 3 Max, 4 Average as in Microsoft's templates), 12 group
 * (`NotebookGroup/1.0`).
 */
import {
  METRIC_CATALOGUE,
  type AlertsConfig,
  type MetricAggregation,
  POSTGRES_METRIC_NAMESPACE,
  alertsFor,
  lockWaitQuery,
} from "./alerts.js";
import { flexibleServerMetric } from "./flexible-server-metrics.js";
import { type PlanIndicator, type TargetOperator, indicatorsFor } from "./indicators.js";
import type { ServerRole } from "../types.js";

export interface WorkbookServer {
  readonly name: string;
  readonly role: ServerRole;
  /** ARM id of the server. */
  readonly id: string;
}

/**
 * Alert thresholds by server role and alert key, as the pack uses them (config; activeConnections already derived): a
 * role's panels draw only the alerts that role gets (no response-time or lock-wait line on a replica).
 */
export type WorkbookThresholds = Readonly<Record<ServerRole, Readonly<Partial<Record<string, number>>>>>;

export interface WorkbookInput {
  readonly servers: readonly WorkbookServer[];
  /** ARM id of the Log Analytics workspace the diagnostic settings send to. */
  readonly workspaceId: string;
  readonly thresholds: WorkbookThresholds;
  readonly title?: string;
}

/** A drawn line: the plan's target or an alert threshold. */
export interface ThresholdLine {
  readonly label: string;
  readonly value: number;
  readonly kind: "plan" | "alert";
}

export type PanelKind = "timechart" | "table";

export interface Panel {
  readonly itemName: string;
  readonly indicator: PlanIndicator;
  readonly kind: PanelKind;
  readonly unit: string;
  readonly lines: readonly ThresholdLine[];
  /** Data source and query, exactly as the workbook item carries it. */
  readonly queryType: 0 | 1 | 12;
  readonly query: string;
  readonly series: string;
}

export interface ServerSection {
  readonly server: WorkbookServer;
  readonly panels: readonly Panel[];
}

export interface WorkbookLayout {
  readonly title: string;
  readonly workspaceId: string;
  readonly sections: readonly ServerSection[];
}

/** The thresholds the pack alerts at, by alert key (a disabled alert draws no line), for the primary's max_connections. */
export function alertThresholds(alerts: AlertsConfig, maxConnections: number): WorkbookThresholds {
  const of = (role: ServerRole) => {
    const out: Record<string, number> = {};
    for (const a of alertsFor({ role, maxConnections, queryStore: true }, alerts))
      if (a.kind === "metric" || a.kind === "log") out[a.key] = a.threshold;
    return out;
  };
  return { primary: of("primary"), replica: of("replica") };
}

const kql = (v: string) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const OP: Readonly<Record<string, TargetOperator>> = { GreaterThan: ">", LessThan: "<" };
const AGG: Readonly<Record<MetricAggregation, { kql: string; code: number }>> = {
  Average: { kql: "avg(Average)", code: 4 },
  Maximum: { kql: "max(Maximum)", code: 3 },
  Total: { kql: "sum(Total)", code: 1 },
};

function thresholdLines(ind: PlanIndicator, thresholds: WorkbookThresholds[ServerRole]): ThresholdLine[] {
  const t = ind.target;
  const lines: ThresholdLine[] = [
    { kind: "plan", label: `Plan target ${t.operator} ${t.value} ${t.unit}`, value: t.value },
  ];
  const alertKey = "alertKey" in ind.signal ? ind.signal.alertKey : undefined;
  const value = alertKey ? thresholds[alertKey] : undefined;
  if (alertKey && value !== undefined) {
    const spec = METRIC_CATALOGUE.find((s) => s.key === alertKey);
    const op = spec ? OP[spec.operator] : ">";
    const shown = ind.signal.kind === "metric" && ind.signal.scale ? value * ind.signal.scale : value;
    lines.push({ kind: "alert", label: `Alert ${op} ${shown} ${t.unit}`, value: shown });
  }
  return lines;
}

/** Constant columns: the workbook draws each as a flat line beside the measured series. */
const lineColumns = (lines: readonly ThresholdLine[]) =>
  `| extend ${lines.map((l) => `['${l.label.replace(/'/g, "")}'] = ${l.value}`).join(", ")}`;

function panelQuery(ind: PlanIndicator, server: WorkbookServer, lines: readonly ThresholdLine[]) {
  const id = kql(server.id);
  const s = ind.signal;
  switch (s.kind) {
    case "metric": {
      // AzureMetrics (diagnostic setting AllMetrics) keeps 90 days in this workspace; the metric item beside it reads
      // the platform metric directly.
      const bin = s.aggregation === "Total" ? "1h" : "5m";
      const value = s.scale ? `${AGG[s.aggregation].kql} * ${s.scale}` : AGG[s.aggregation].kql;
      return {
        queryType: 0 as const,
        series: s.metricName,
        query: [
          "AzureMetrics",
          `| where _ResourceId =~ ${id} and MetricName == ${kql(s.metricName)}`,
          `| summarize ['${s.metricName}'] = ${value} by bin(TimeGenerated, ${bin})`,
          lineColumns(lines),
          "| order by TimeGenerated asc",
        ].join("\n"),
      };
    }
    case "averageResponseTime":
      // The response-time alert's own measure: total execution time over calls, system queries excluded.
      return {
        queryType: 0 as const,
        series: "AvgResponseMs",
        query: [
          "PGSQLQueryStoreRuntime",
          `| where _ResourceId =~ ${id}`,
          "| where IsSystemQuery == false and Calls > 0",
          "| summarize AvgResponseMs = sum(TotalExecDurationMs) / sum(Calls) by bin(TimeGenerated, 15m)",
          lineColumns(lines),
          "| order by TimeGenerated asc",
        ].join("\n"),
      };
    case "slowQueriesPerHour":
      // log_min_duration_statement logs "duration: … ms  statement: …" for each statement at least that slow.
      return {
        queryType: 0 as const,
        series: "SlowQueries",
        query: [
          "PGSQLServerLogs",
          `| where _ResourceId =~ ${id}`,
          '| where Message has "duration:"',
          "| summarize SlowQueries = count() by bin(TimeGenerated, 1h)",
          lineColumns(lines),
          "| order by TimeGenerated asc",
        ].join("\n"),
      };
    case "lockWaitPerExecution":
      // The lock-wait alert's own measure (alerts.ts lockWaitQuery), per hour: Lock samples × the sampling period
      // over the executions Query Store counted in the same hour — an estimate (D95).
      return {
        queryType: 0 as const,
        series: "LockWaitPerExecutionMs",
        query: [
          lockWaitQuery(server.id, { measureColumn: "LockWaitPerExecutionMs" }, "1h"),
          lineColumns(lines),
          "| order by TimeGenerated asc",
        ].join("\n"),
      };
    case "resourceHealth":
      return {
        queryType: 1 as const,
        series: "AvailabilityState",
        query: [
          "HealthResources",
          "| where type =~ 'microsoft.resourcehealth/availabilitystatuses' or type =~ 'microsoft.resourcehealth/resourceannotations'",
          `| where tolower(tostring(properties.targetResourceId)) == tolower(${id})`,
          "| project Type = type, AvailabilityState = tostring(properties.availabilityState), Reason = tostring(properties.reason), Context = tostring(properties.context), Category = tostring(properties.category)",
        ].join("\n"),
      };
    case "backups":
      // Flexible Server backups list (Microsoft.DBforPostgreSQL 2025-08-01, backupType / completedTime / source).
      return {
        queryType: 12 as const,
        series: "completedTime",
        query: JSON.stringify({
          version: "ARMEndpoint/1.0",
          data: null,
          headers: [],
          method: "GET",
          path: `${server.id}/backups?api-version=2025-08-01`,
          urlParams: [],
          batchDisabled: false,
          transformers: [{ type: "jsonpath", settings: { tablePath: "$.value", columns: [] } }],
        }),
      };
  }
}

export function workbookLayout(input: WorkbookInput): WorkbookLayout {
  return {
    title: input.title ?? "authdb — plan indicators (R-6.2.1)",
    workspaceId: input.workspaceId,
    sections: input.servers.map((server) => ({
      server,
      panels: indicatorsFor(server.role).map((indicator) => {
        const lines = thresholdLines(indicator, input.thresholds[server.role]);
        const q = panelQuery(indicator, server, lines);
        const table = indicator.signal.kind === "resourceHealth" || indicator.signal.kind === "backups";
        return {
          itemName: `${server.name}-${indicator.key}`,
          indicator,
          kind: table ? ("table" as const) : ("timechart" as const),
          unit: indicator.target.unit,
          lines,
          ...q,
        };
      }),
    })),
  };
}

const metricId = (name: string) => {
  const m = flexibleServerMetric(name);
  if (!m) throw new Error(`${name} is not a Flexible Server metric in flexible-server-metrics.ts`);
  return `${POSTGRES_METRIC_NAMESPACE.toLowerCase()}-${m.category}-${m.name}`;
};

function summaryMarkdown(section: ServerSection): string {
  const rows = section.panels.map((p) => {
    const plan = p.lines.find((l) => l.kind === "plan")!.label.replace("Plan target ", "");
    const alert = p.lines.find((l) => l.kind === "alert")?.label.replace("Alert ", "") ?? "—";
    return `| ${p.indicator.title} | ${plan} | ${alert} | ${p.indicator.planItem} | ${p.indicator.requires ?? ""} |`;
  });
  return [
    `### ${section.server.name} (${section.server.role})`,
    "",
    "| Indicator | Plan target | Alert | Plan item | Needs |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/* The workbook item shapes, as the schema names their fields. */
export type WorkbookItem =
  | { type: 1; name: string; content: { json: string } }
  | {
      type: 3;
      name: string;
      content: {
        version: "KqlItem/1.0";
        query: string;
        size: number;
        title: string;
        queryType: 0 | 1 | 12;
        resourceType: string;
        crossComponentResources?: string[];
        visualization: PanelKind;
      };
    }
  | {
      type: 10;
      name: string;
      content: {
        version: "MetricsItem/2.0";
        size: number;
        chartType: number;
        resourceType: string;
        metricScope: number;
        resourceIds: string[];
        timeContext: { durationMs: number };
        metrics: { namespace: string; metric: string; aggregation: number }[];
        title: string;
      };
    }
  | {
      type: 12;
      name: string;
      content: { version: "NotebookGroup/1.0"; groupType: "editable"; title: string; items: WorkbookItem[] };
    };

export interface WorkbookDocument {
  version: "Notebook/1.0";
  items: WorkbookItem[];
  fallbackResourceIds: string[];
  $schema: string;
}

const subscriptionOf = (id: string) => /^\/subscriptions\/[^/]+/i.exec(id)?.[0];

/** The workbook document (what `serializedData` holds, as an object; JSON.stringify it for Azure). */
export function buildWorkbook(input: WorkbookInput): WorkbookDocument {
  const layout = workbookLayout(input);
  const intro: WorkbookItem = {
    type: 1,
    name: "intro",
    content: {
      json: [
        `## ${layout.title}`,
        "Each server shows the install plan's R-6.2.1 targets beside the alert pack's thresholds; where they differ, the plan's",
        "target is the goal and the alert is where someone is paged. Log-based panels read the workspace the diagnostic",
        "settings send to; metric panels read Azure Monitor metrics.",
      ].join("\n"),
    },
  };
  const groups: WorkbookItem[] = layout.sections.map((section) => {
    const metrics = section.panels
      .filter((p) => p.indicator.signal.kind === "metric")
      .map((p) => {
        const s = p.indicator.signal as Extract<PlanIndicator["signal"], { kind: "metric" }>;
        return {
          namespace: POSTGRES_METRIC_NAMESPACE.toLowerCase(),
          metric: metricId(s.metricName),
          aggregation: AGG[s.aggregation].code,
        };
      });
    const items: WorkbookItem[] = [
      { type: 1, name: `${section.server.name}-summary`, content: { json: summaryMarkdown(section) } },
      {
        type: 10,
        name: `${section.server.name}-metrics`,
        content: {
          version: "MetricsItem/2.0",
          size: 0,
          chartType: 2,
          resourceType: POSTGRES_METRIC_NAMESPACE.toLowerCase(),
          metricScope: 0,
          resourceIds: [section.server.id],
          timeContext: { durationMs: 86_400_000 },
          metrics,
          title: `${section.server.name}: platform metrics (last 24 h)`,
        },
      },
      ...section.panels.map((p): WorkbookItem => {
        const sub = subscriptionOf(section.server.id);
        return {
          type: 3,
          name: p.itemName,
          content: {
            version: "KqlItem/1.0",
            query: p.query,
            size: 0,
            title: `${p.indicator.title} — ${p.lines.map((l) => l.label).join(", ")}`,
            queryType: p.queryType,
            ...(p.queryType === 0
              ? {
                  resourceType: "microsoft.operationalinsights/workspaces",
                  crossComponentResources: [layout.workspaceId],
                }
              : p.queryType === 1
                ? {
                    resourceType: "microsoft.resourcegraph/resources",
                    ...(sub ? { crossComponentResources: [sub] } : {}),
                  }
                : { resourceType: POSTGRES_METRIC_NAMESPACE.toLowerCase() }),
            visualization: p.kind,
          },
        };
      }),
    ];
    return {
      type: 12,
      name: `server-${section.server.name}`,
      content: {
        version: "NotebookGroup/1.0",
        groupType: "editable",
        title: `${section.server.name} (${section.server.role})`,
        items,
      },
    };
  });
  return {
    version: "Notebook/1.0",
    items: [intro, ...groups],
    fallbackResourceIds: [layout.workspaceId],
    $schema: "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
  };
}
