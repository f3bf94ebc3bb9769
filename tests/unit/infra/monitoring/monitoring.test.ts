/**
 * The Monitoring component under Pulumi mocks, built from the real prod config with hand-made servers (one primary,
 * the two prod replicas): what it registers per server and role, how alerts are wired to action groups, and that the
 * Teams webhook stays secret.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { activeConnectionsThreshold } from "../../../../infra/config/platform.js";
import { POSTGRES_LOG_CATEGORIES } from "../../../../infra/monitoring/alerts.js";
import { Monitoring, workbookGuid } from "../../../../infra/monitoring/monitoring.js";
import { alertThresholds, buildWorkbook } from "../../../../infra/monitoring/workbook.js";
import { checkWorkbook } from "../../../../infra/monitoring/workbook-check.js";
import type { ServerRef } from "../../../../infra/types.js";
import {
  type CapturedResource,
  MOCK_SECRET_MARKER,
  MOCK_SUBSCRIPTION,
  type OfflineRun,
  SECRET_PLACEHOLDER,
  runOffline,
} from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");
const RG = platform.resourceGroupName;
const RG_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}`;
const KEY_VAULT_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${platform.keyVault.name}`;
const WEBHOOK = `${MOCK_SECRET_MARKER}teams-webhook`;

const serverId = (name: string) =>
  `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
const actionGroupId = (name: string) =>
  `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Insights/actionGroups/${name}`;
const WORKSPACE_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/${platform.monitoring.workspace.name}`;
const CRITICAL = actionGroupId(platform.monitoring.actionGroups.critical.name);
const WARNING = actionGroupId(platform.monitoring.actionGroups.warning.name);

/** Stands in for a server: Monitoring only needs its id and a resource to depend on. */
class FakeServer extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:fake:Server", name, {}, {});
    this.registerOutputs({});
  }
}

const SERVERS: { role: ServerRef["role"]; name: string; region: string }[] = [
  { role: "primary", name: platform.server.name, region: platform.location },
  ...platform.replicas.map((r) => ({ role: "replica" as const, name: r.name, region: r.region })),
];

let run: OfflineRun;
let component: Monitoring;

describe("Monitoring (prod config, under mocks)", () => {
  before(async () => {
    run = await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        const servers: ServerRef[] = SERVERS.map((s) => ({
          ...s,
          id: pulumi.output(serverId(s.name)),
          fqdn: pulumi.output(`${s.name}.postgres.database.azure.com`),
          maxConnections: platform.server.maxConnections,
          queryStore: true,
          resource: new FakeServer(s.name),
        }));
        component = new Monitoring("monitoring", {
          resourceGroupName: RG,
          resourceGroupId: RG_ID,
          location: platform.location,
          monitoring: platform.monitoring,
          servers,
          keyVaultId: KEY_VAULT_ID,
          teamsWebhookUrl: pulumi.secret(WEBHOOK),
          tags: platform.tags,
        });
        return {};
      },
    });
  });

  const ofType = (type: string) =>
    run.resources.filter(
      (r) => r.type === `azure-native:monitor:${type}` || r.type === `azure-native:operationalinsights:${type}`,
    );
  const scopedTo = (type: string, id: string) => ofType(type).filter((r) => (r.inputs.scopes as string[])[0] === id);
  const criterion = (r: CapturedResource) => (r.inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];
  /** Quoted, because the primary's id is a prefix of its replicas' ids. */
  const queriesServer = (r: CapturedResource, id: string) => String(criterion(r).query).includes(`'${id}'`);

  describe("workspace and retention (R-8.1.1)", () => {
    it("creates a PerGB2018 workspace keeping logs for the configured 30 days", () => {
      const [ws, ...more] = ofType("Workspace");
      assert.equal(more.length, 0);
      assert.equal(ws.inputs.workspaceName, "law-phonebill-prod");
      assert.deepEqual(ws.inputs.sku, { name: "PerGB2018" });
      assert.equal(ws.inputs.retentionInDays, 30);
      assert.deepEqual(ws.inputs.tags, platform.tags);
    });

    it("keeps AzureMetrics (where diagnostic metrics land) for 90 days, and never tries to delete the built-in table", () => {
      const [table] = ofType("Table");
      assert.ok(table);
      assert.equal(table.inputs.tableName, "AzureMetrics");
      assert.equal(table.inputs.workspaceName, "law-phonebill-prod");
      assert.equal(table.inputs.retentionInDays, 90);
      assert.equal(table.inputs.totalRetentionInDays, 90);
      assert.equal(table.retainOnDelete, true);
    });

    it("exposes the workspace id", async () => {
      const id = await new Promise<string>((resolve) => component.workspaceId.apply(resolve));
      assert.equal(id, WORKSPACE_ID);
    });
  });

  const CATEGORY_GROUPS = [
    { categoryGroup: "allLogs", enabled: true },
    { categoryGroup: "audit", enabled: false },
  ];

  describe("diagnostic settings", () => {
    for (const s of SERVERS) {
      it(`sends the allLogs group and AllMetrics of ${s.role} ${s.name} to resource-specific tables`, () => {
        const settings = ofType("DiagnosticSetting").filter((r) => r.inputs.resourceUri === serverId(s.name));
        assert.equal(settings.length, 1);
        const d = settings[0];
        assert.equal(d.inputs.workspaceId, WORKSPACE_ID);
        assert.equal(d.inputs.logAnalyticsDestinationType, "Dedicated");
        // The group, not a list of today's categories: Azure adds categories, and allLogs collects them without a change.
        // The disabled audit entry is the pair Azure Policy 5fbd326d/cdd1dbc6 count (their own template deploys it).
        assert.deepEqual(d.inputs.logs, CATEGORY_GROUPS);
        assert.equal(d.inputs.name, platform.monitoring.diagnosticSettingName);
        assert.deepEqual(d.inputs.metrics, [{ category: "AllMetrics", enabled: true }]);
      });
    }

    it("audits the Key Vault (allLogs, which holds AuditEvent) into the same workspace", () => {
      const [kv, ...more] = ofType("DiagnosticSetting").filter((r) => r.inputs.resourceUri === KEY_VAULT_ID);
      assert.equal(more.length, 0);
      assert.ok(kv);
      assert.equal(kv.inputs.workspaceId, WORKSPACE_ID);
      assert.deepEqual(kv.inputs.logs, CATEGORY_GROUPS); // Azure Policy 6b359d8f counts the same pair
      assert.deepEqual(kv.inputs.metrics, [{ category: "AllMetrics", enabled: true }]);
    });
  });

  describe("action groups", () => {
    const group = (name: string) => {
      const g = ofType("ActionGroup").find((r) => r.inputs.actionGroupName === name);
      assert.ok(g, name);
      return g;
    };

    it("creates one group per config entry, global and enabled", () => {
      assert.equal(ofType("ActionGroup").length, Object.keys(platform.monitoring.actionGroups).length);
      for (const g of ofType("ActionGroup")) {
        assert.equal(g.inputs.location, "Global");
        assert.equal(g.inputs.enabled, true);
        assert.deepEqual(g.inputs.tags, platform.tags);
      }
    });

    it("gives the critical group email, SMS and Teams, and the warning group Teams only", () => {
      const critical = group("ag-phonebill-db-critical");
      assert.equal(critical.inputs.groupShortName, "pbdb-crit");
      assert.deepEqual(critical.inputs.emailReceivers, [
        { name: "email-1", emailAddress: "phonebill-db-oncall@company.com", useCommonAlertSchema: true },
      ]);
      assert.deepEqual(critical.inputs.smsReceivers, [{ name: "sms-1", countryCode: "82", phoneNumber: "1000000000" }]);
      assert.equal((critical.inputs.webhookReceivers as unknown[]).length, 1);
      const warning = group("ag-phonebill-db-warning");
      assert.equal(warning.inputs.emailReceivers, undefined);
      assert.equal(warning.inputs.smsReceivers, undefined);
      assert.equal((warning.inputs.webhookReceivers as unknown[]).length, 1);
    });

    it("keeps the Teams webhook URL secret and passes it to Azure unchanged", () => {
      for (const g of ofType("ActionGroup")) {
        assert.ok(g.secretInputs.includes("webhookReceivers"), g.name);
        assert.equal(JSON.stringify(g.inputs).includes(WEBHOOK), false, "the URL never appears in redacted inputs");
        assert.deepEqual(g.inputs.webhookReceivers, [
          { name: "teams", serviceUri: SECRET_PLACEHOLDER, useCommonAlertSchema: true },
        ]);
        assert.deepEqual(g.rawInputs.webhookReceivers, [
          { name: "teams", serviceUri: WEBHOOK, useCommonAlertSchema: true },
        ]);
      }
    });

    it("exposes the group ids by config key", async () => {
      const ids = await new Promise<Record<string, string>>((resolve) =>
        pulumi.all(component.actionGroupIds).apply(resolve),
      );
      assert.deepEqual(ids, { critical: CRITICAL, warning: WARNING });
    });
  });

  describe("metric alerts per server by role", () => {
    type Row = [
      metric: string,
      aggregation: string,
      operator: string,
      threshold: number,
      window: string,
      frequency: string,
      severity: number,
      group: string,
    ];
    const a = platform.monitoring.alerts;
    const row = (
      metricName: string,
      agg: string,
      op: string,
      threshold: number,
      c: { window: string; frequency: string; severity: number },
      group: string,
    ): Row => [metricName, agg, op, threshold, c.window, c.frequency, c.severity, group];
    const PRIMARY: Record<string, Row> = {
      is_db_alive: row("is_db_alive", "Maximum", "LessThan", 1, a.serverDown, CRITICAL),
      cpu_percent: row("cpu_percent", "Average", "GreaterThan", 90, a.cpuPercent, CRITICAL),
      memory_percent: row("memory_percent", "Average", "GreaterThan", 95, a.memoryPercent, CRITICAL),
      active_connections: row(
        "active_connections",
        "Maximum",
        "GreaterThan",
        activeConnectionsThreshold(a.activeConnections.percentOfUsable, platform.server.maxConnections),
        a.activeConnections,
        CRITICAL,
      ),
      storage_percent: row("storage_percent", "Average", "GreaterThan", 80, a.storagePercent, WARNING),
      connections_failed: row(
        "connections_failed",
        "Total",
        "GreaterThan",
        a.failedConnections.threshold,
        a.failedConnections,
        WARNING,
      ),
      disk_iops_consumed_percentage: row(
        "disk_iops_consumed_percentage",
        "Average",
        "GreaterThan",
        a.diskIopsPercent.threshold,
        a.diskIopsPercent,
        WARNING,
      ),
      deadlocks: row("deadlocks", "Total", "GreaterThan", 0, a.deadlocks, WARNING),
    };
    const REPLICA: Record<string, Row> = {
      is_db_alive: PRIMARY.is_db_alive,
      cpu_percent: PRIMARY.cpu_percent,
      memory_percent: PRIMARY.memory_percent,
      active_connections: PRIMARY.active_connections,
      storage_percent: PRIMARY.storage_percent,
      physical_replication_delay_in_seconds: row(
        "physical_replication_delay_in_seconds",
        "Maximum",
        "GreaterThan",
        5,
        a.replicaLagSeconds,
        CRITICAL,
      ),
      deadlocks: PRIMARY.deadlocks,
    };

    const observed = (id: string): Record<string, Row> =>
      Object.fromEntries(
        scopedTo("MetricAlert", id).map((r) => {
          const c = criterion(r);
          const actions = r.inputs.actions as { actionGroupId: string }[];
          assert.equal(actions.length, 1);
          return [
            c.metricName as string,
            [
              c.metricName,
              c.timeAggregation,
              c.operator,
              c.threshold,
              r.inputs.windowSize,
              r.inputs.evaluationFrequency,
              r.inputs.severity,
              actions[0].actionGroupId,
            ] as Row,
          ];
        }),
      );

    for (const s of SERVERS) {
      it(`gives ${s.role} ${s.name} exactly its role's metric alerts, thresholds, windows, severities and groups`, () => {
        assert.deepEqual(observed(serverId(s.name)), s.role === "primary" ? PRIMARY : REPLICA);
      });
    }

    it("plan values survive the mapping: CPU > 90 % / 5 min, memory > 95 % / 5 min, storage > 80 % / 30 min, lag > 5 s, down < 1 / 1 min", () => {
      const p = observed(serverId(platform.server.name));
      assert.deepEqual(p.cpu_percent.slice(2, 5), ["GreaterThan", 90, "PT5M"]);
      assert.deepEqual(p.memory_percent.slice(2, 5), ["GreaterThan", 95, "PT5M"]);
      assert.deepEqual(p.storage_percent.slice(2, 5), ["GreaterThan", 80, "PT30M"]);
      assert.deepEqual(p.is_db_alive.slice(2, 5), ["LessThan", 1, "PT1M"]);
      for (const r of platform.replicas) {
        assert.deepEqual(observed(serverId(r.name)).physical_replication_delay_in_seconds.slice(2, 5), [
          "GreaterThan",
          5,
          "PT5M",
        ]);
      }
    });

    it("builds each rule as a global single-resource static-threshold alert in the PostgreSQL namespace, auto-resolving and tagged", () => {
      const all = ofType("MetricAlert");
      assert.equal(all.length, 8 + 7 * platform.replicas.length);
      for (const r of all) {
        assert.equal(r.inputs.location, "global");
        assert.equal(r.inputs.enabled, true);
        assert.equal(r.inputs.autoMitigate, true);
        assert.equal(r.inputs.resourceGroupName, RG);
        assert.deepEqual(r.inputs.tags, platform.tags);
        const criteria = r.inputs.criteria as { odataType: string; allOf: unknown[] };
        assert.equal(criteria.odataType, "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
        assert.equal(criteria.allOf.length, 1);
        assert.equal(criterion(r).criterionType, "StaticThresholdCriterion");
        assert.equal(criterion(r).metricNamespace, "Microsoft.DBforPostgreSQL/flexibleServers");
        assert.match(r.inputs.ruleName as string, /^phonebill-auth-postgresql-prod(-krs|-krc)?-[a-z-]+$/);
      }
    });
  });

  describe("response-time log alert (Query Store)", () => {
    const queryStoreRules = () =>
      ofType("ScheduledQueryRule").filter((r) => String(criterion(r).query).startsWith("PGSQLQueryStoreRuntime"));
    it("puts none on a replica, where Query Store records nothing", () => {
      for (const s of SERVERS.filter((x) => x.role === "replica")) {
        assert.equal(queryStoreRules().filter((r) => queriesServer(r, serverId(s.name))).length, 0, s.name);
      }
    });
    for (const s of SERVERS.filter((x) => x.role === "primary")) {
      it(`watches ${s.name}'s PGSQLQueryStoreRuntime rows against 200 ms over 10 minutes, routed to the warning group`, () => {
        const rules = queryStoreRules().filter((r) => queriesServer(r, serverId(s.name)));
        assert.equal(rules.length, 1);
        const r = rules[0];
        assert.equal(r.inputs.kind, "LogAlert");
        assert.deepEqual(r.inputs.scopes, [WORKSPACE_ID]);
        assert.equal(r.inputs.windowSize, "PT10M");
        assert.equal(r.inputs.evaluationFrequency, "PT5M");
        assert.equal(r.inputs.severity, 2);
        assert.deepEqual(r.inputs.actions, { actionGroups: [WARNING] });
        assert.equal(r.inputs.skipQueryValidation, true);
        assert.deepEqual(r.inputs.tags, platform.tags);
        const c = criterion(r);
        assert.match(String(c.query), /^PGSQLQueryStoreRuntime\n/);
        assert.match(String(c.query), /sum\(TotalExecDurationMs\) \/ sum\(Calls\)/);
        assert.equal(c.threshold, 200);
        assert.equal(c.operator, "GreaterThan");
        assert.equal(c.metricMeasureColumn, "AvgExecDurationMs");
        assert.equal(c.resourceIdColumn, "_ResourceId");
        assert.equal(r.inputs.ruleName, `${s.name}-query-time-high`);
      });
    }

    it("waits for the server's diagnostic setting, which creates the table the query reads", () => {
      for (const r of ofType("ScheduledQueryRule")) {
        const diag = ofType("DiagnosticSetting").find((d) => queriesServer(r, String(d.inputs.resourceUri)));
        assert.ok(diag && r.dependsOn.includes(diag.urn), r.name);
      }
    });
  });

  describe("slow-query log alert (server log, R-6.2.1)", () => {
    for (const s of SERVERS) {
      it(`counts ${s.name}'s statements logged by log_min_duration_statement over an hour, alerting above 4`, () => {
        const rules = ofType("ScheduledQueryRule").filter(
          (r) => queriesServer(r, serverId(s.name)) && String(criterion(r).query).startsWith("PGSQLServerLogs\n"),
        );
        assert.equal(rules.length, 1);
        const r = rules[0];
        const c = criterion(r);
        assert.match(String(c.query), /Message has "duration:"/);
        assert.match(String(c.query), /SlowQueries = count\(\) by _ResourceId$/);
        assert.equal(c.metricMeasureColumn, "SlowQueries");
        assert.equal(c.timeAggregation, "Total");
        assert.equal(c.operator, "GreaterThan");
        assert.equal(c.threshold, 4);
        assert.equal(r.inputs.windowSize, "PT1H");
        assert.equal(r.inputs.evaluationFrequency, "PT15M");
        assert.deepEqual(r.inputs.actions, { actionGroups: [WARNING] });
        assert.equal(r.inputs.ruleName, `${s.name}-slow-queries`);
      });
    }
  });

  describe("lock-wait log alert (Query Store wait sampling, R-6.2.1)", () => {
    const lockRules = () =>
      ofType("ScheduledQueryRule").filter((r) => /PGSQLQueryStoreWaits/.test(String(criterion(r).query)));
    for (const s of SERVERS.filter((x) => x.role === "primary")) {
      it(`estimates ${s.name}'s lock wait per execution against 50 ms over 15 minutes, routed to the warning group`, () => {
        const rules = lockRules().filter((r) => queriesServer(r, serverId(s.name)));
        assert.equal(rules.length, 1);
        const r = rules[0];
        const c = criterion(r);
        assert.match(String(c.query), /EventType == 'Lock'/);
        assert.match(String(c.query), /sum\(Calls\) \* 100/);
        assert.equal(c.metricMeasureColumn, "LockWaitPerExecutionMs");
        assert.equal(c.timeAggregation, "Maximum");
        assert.equal(c.operator, "GreaterThan");
        assert.equal(c.threshold, 50);
        assert.equal(r.inputs.windowSize, "PT15M");
        assert.equal(r.inputs.evaluationFrequency, "PT5M");
        assert.deepEqual(r.inputs.actions, { actionGroups: [WARNING] });
        assert.equal(r.inputs.ruleName, `${s.name}-lock-wait-high`);
      });
    }
    it("puts none on a replica, where wait sampling records nothing", () => {
      for (const s of SERVERS.filter((x) => x.role === "replica"))
        assert.equal(lockRules().filter((r) => queriesServer(r, serverId(s.name))).length, 0, s.name);
    });
    it("reads a table the server's diagnostic setting fills: allLogs holds PostgreSQLFlexQueryStoreWaitStats", () => {
      assert.ok(POSTGRES_LOG_CATEGORIES.includes("PostgreSQLFlexQueryStoreWaitStats"));
      for (const r of lockRules()) {
        const diag = ofType("DiagnosticSetting").find((d) => queriesServer(r, String(d.inputs.resourceUri)));
        assert.ok(diag && r.dependsOn.includes(diag.urn), r.name);
        assert.equal(diag.inputs.logAnalyticsDestinationType, "Dedicated");
        assert.ok(
          (diag.inputs.logs as { categoryGroup: string; enabled: boolean }[]).some(
            (l) => l.categoryGroup === "allLogs" && l.enabled,
          ),
        );
      }
    });
  });

  describe("Resource Health (failover and outage) alerts", () => {
    for (const s of SERVERS) {
      it(`notifies the critical group of ${s.name}'s health changes`, () => {
        const [r, ...more] = scopedTo("ActivityLogAlert", serverId(s.name));
        assert.equal(more.length, 0);
        assert.ok(r);
        assert.equal(r.inputs.location, "Global");
        assert.equal(r.inputs.enabled, true);
        assert.deepEqual(r.inputs.actions, { actionGroups: [{ actionGroupId: CRITICAL }] });
        const conditions = (r.inputs.condition as { allOf: Record<string, unknown>[] }).allOf;
        assert.ok(conditions.some((c) => c.field === "category" && c.equals === "ResourceHealth"));
        assert.ok(
          conditions.some(
            (c) => c.field === "resourceType" && c.equals === "microsoft.dbforpostgresql/flexibleservers",
          ),
        );
        const statuses = conditions.flatMap((c) =>
          ((c.anyOf as { equals: string }[] | undefined) ?? []).map((x) => x.equals),
        );
        assert.deepEqual(statuses.sort(), ["Available", "Degraded", "Unavailable"]);
        assert.deepEqual(r.inputs.tags, platform.tags);
      });
    }
  });

  describe("the alert pack per server", () => {
    it("lists, for each server, exactly the rules registered on it", () => {
      assert.deepEqual(Object.keys(component.alertsByServer).sort(), SERVERS.map((s) => s.name).sort());
      for (const s of SERVERS) {
        const registered = [
          ...scopedTo("MetricAlert", serverId(s.name)),
          ...scopedTo("ActivityLogAlert", serverId(s.name)),
          ...ofType("ScheduledQueryRule").filter((r) => queriesServer(r, serverId(s.name))),
        ].map((r) => (r.inputs.ruleName ?? r.inputs.activityLogAlertName) as string);
        assert.deepEqual([...component.alertsByServer[s.name]].sort(), registered.sort());
      }
    });

    it("shows the primary's pack by rule name", () => {
      const p = platform.server.name;
      assert.deepEqual(component.alertsByServer[p], [
        `${p}-down`,
        `${p}-cpu-high`,
        `${p}-memory-high`,
        `${p}-connections-high`,
        `${p}-storage-high`,
        `${p}-failed-connections`,
        `${p}-disk-iops-high`,
        `${p}-deadlocks`,
        `${p}-query-time-high`,
        `${p}-slow-queries`,
        `${p}-lock-wait-high`,
        `${p}-resource-health`,
      ]);
    });

    it("parents every resource to the component and tags every taggable Azure resource", () => {
      const root = run.resources.find((r) => r.type === "authdb:azure:Monitoring");
      assert.ok(root);
      for (const r of run.resources.filter((x) => x.type.startsWith("azure-native:"))) {
        assert.equal(r.parent, root.urn, r.name);
        if (
          ![
            "azure-native:monitor:DiagnosticSetting",
            "azure-native:operationalinsights:Table",
            "azure-native:consumption:Budget", // BudgetArgs has no tags
          ].includes(r.type)
        ) {
          assert.deepEqual(r.inputs.tags, platform.tags, r.name);
        }
      }
    });
  });

  describe("cost budget (R-11.1.1)", () => {
    const budgets = () => run.resources.filter((r) => r.type === "azure-native:consumption:Budget");
    it("puts one monthly cost budget on the resource group, amount and start from config", () => {
      const [b, ...more] = budgets();
      assert.equal(more.length, 0);
      const cfg = platform.monitoring.budget!;
      assert.equal(b.inputs.scope, RG_ID);
      assert.equal(b.inputs.budgetName, cfg.name);
      assert.equal(b.inputs.amount, cfg.amount);
      assert.equal(b.inputs.category, "Cost");
      assert.equal(b.inputs.timeGrain, "Monthly");
      assert.deepEqual(b.inputs.timePeriod, { startDate: cfg.startDate });
    });
    it("notifies warning and critical at actual 80 % and forecast 100 %", () => {
      const n = budgets()[0].inputs.notifications as Record<string, Record<string, unknown>>;
      const byType = Object.fromEntries(Object.values(n).map((x) => [x.thresholdType, x]));
      assert.deepEqual(Object.keys(byType).sort(), ["Actual", "Forecasted"]);
      assert.equal(byType.Actual.threshold, 80);
      assert.equal(byType.Forecasted.threshold, 100);
      for (const x of Object.values(n)) {
        assert.equal(x.operator, "GreaterThan");
        assert.equal(x.enabled, true);
        assert.deepEqual(x.contactGroups, [WARNING, CRITICAL]);
      }
    });
  });

  describe("workbook (R-6.2.1, R-9.1.2)", () => {
    const books = () => run.resources.filter((r) => r.type === "azure-native:applicationinsights:Workbook");
    it("registers one shared workbook with a stable GUID name, attached to the workspace", () => {
      const [w, ...more] = books();
      assert.equal(more.length, 0);
      assert.match(
        String(w.inputs.resourceName),
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.equal(w.inputs.resourceName, workbookGuid(platform.monitoring.workspace.name));
      assert.notEqual(workbookGuid("law-phonebill-dev"), workbookGuid("law-phonebill-prod"));
      assert.equal(w.inputs.kind, "shared");
      assert.equal(w.inputs.category, "workbook");
      assert.equal(w.inputs.sourceId, WORKSPACE_ID);
      assert.deepEqual(w.inputs.tags, platform.tags);
    });
    it("holds the document buildWorkbook makes for these servers, and it passes the workbook check", () => {
      const doc = JSON.parse(String(books()[0].inputs.serializedData));
      const ids = SERVERS.map((s) => serverId(s.name));
      assert.deepEqual(checkWorkbook(doc, { serverIds: ids }), []);
      const expected = buildWorkbook({
        workspaceId: WORKSPACE_ID,
        thresholds: alertThresholds(platform.monitoring.alerts, platform.server.maxConnections),
        servers: SERVERS.map((s) => ({ name: s.name, role: s.role, id: serverId(s.name) })),
      });
      assert.deepEqual(doc, JSON.parse(JSON.stringify(expected)));
      // Negative control: the check fails when a server id is missing from the document.
      assert.notDeepEqual(checkWorkbook(doc, { serverIds: [...ids, serverId("not-in-the-workbook")] }), []);
    });
  });
});
