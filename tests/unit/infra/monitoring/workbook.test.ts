/** The workbook document from the prod and dev stack files: its structure, thresholds, and what the checker refuses. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { METRIC_CATALOGUE, alertsFor } from "../../../../infra/monitoring/alerts.js";
import { PLAN_INDICATORS, type PlanIndicator } from "../../../../infra/monitoring/indicators.js";
import {
  type WorkbookInput,
  alertThresholds,
  buildWorkbook,
  workbookLayout,
} from "../../../../infra/monitoring/workbook.js";
import { checkWorkbook, queryTables } from "../../../../infra/monitoring/workbook-check.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
function inputFor(stack: "prod" | "dev"): WorkbookInput {
  const p = azurePlatform(stack);
  const id = (name: string) =>
    `${SUB}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
  return {
    servers: [
      { name: p.server.name, role: "primary", id: id(p.server.name) },
      ...p.replicas.map((r) => ({ name: r.name, role: "replica" as const, id: id(r.name) })),
    ],
    workspaceId: `${SUB}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/${p.monitoring.workspace.name}`,
    thresholds: alertThresholds(p.monitoring.alerts, p.server.maxConnections),
  };
}
const prod = inputFor("prod");
const doc = buildWorkbook(prod);
const ids = prod.servers.map((s) => s.id);
const all = (items: any[]): any[] => items.flatMap((i) => [i, ...(i.type === 12 ? all(i.content.items) : [])]);

describe("workbook document (prod)", () => {
  it("passes the checker: version, item kinds, metrics, tables, ARM paths, every server", () => {
    assert.deepEqual(checkWorkbook(doc, { serverIds: ids }), []);
    assert.deepEqual(
      checkWorkbook(buildWorkbook(inputFor("dev")), { serverIds: inputFor("dev").servers.map((s) => s.id) }),
      [],
    );
  });

  it("is a Notebook/1.0 document with markdown, queries, metrics and one group per server", () => {
    assert.equal(doc.version, "Notebook/1.0");
    assert.deepEqual(
      [...new Set(all(doc.items).map((i) => i.type))].sort((a, b) => a - b),
      [1, 3, 10, 12],
    );
    const groups = doc.items.filter((i) => i.type === 12);
    assert.deepEqual(
      groups.map((g) => g.content.title),
      [
        "phonebill-auth-postgresql-prod (primary)",
        "phonebill-auth-postgresql-prod-krs (replica)",
        "phonebill-auth-postgresql-prod-krc (replica)",
      ],
    );
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(doc)), "serializable as serializedData");
  });

  it("shows every R-6.2.1 indicator for the primary, replica lag on replicas only, backups on the primary only", () => {
    const layout = workbookLayout(prod);
    const keys = (role: string) =>
      layout.sections.find((s) => s.server.role === role)!.panels.map((p) => p.indicator.key);
    assert.deepEqual(
      keys("primary"),
      PLAN_INDICATORS.filter((i) => i.roles.includes("primary")).map((i) => i.key),
    );
    assert.ok(keys("replica").includes("replicaLag") && !keys("primary").includes("replicaLag"));
    assert.ok(keys("primary").includes("backups") && !keys("replica").includes("backups"));
    for (const k of [
      "cpu",
      "memory",
      "iops",
      "connections",
      "responseTime",
      "slowQueries",
      "deadlocks",
      "lockWait",
      "uptime",
      "failover",
    ])
      assert.ok(keys("primary").includes(k), k);
  });

  it("draws the plan's target and, where the pack alerts, the alert threshold", () => {
    const panel = (key: string) => workbookLayout(prod).sections[0].panels.find((p) => p.indicator.key === key)!;
    const lines = (key: string) => panel(key).lines.map((l) => [l.kind, l.value]);
    assert.deepEqual(lines("cpu"), [
      ["plan", 80],
      ["alert", 90],
    ]);
    assert.deepEqual(lines("memory"), [
      ["plan", 85],
      ["alert", 95],
    ]);
    assert.deepEqual(
      lines("connections"),
      [
        ["plan", 80],
        ["alert", 59],
      ],
      "the alert is 70 % of the 85 usable slots (D8)",
    );
    assert.deepEqual(lines("responseTime"), [
      ["plan", 100],
      ["alert", 200],
    ]);
    assert.deepEqual(
      lines("uptime"),
      [
        ["plan", 99.9],
        ["alert", 100],
      ],
      "is_db_alive < 1 drawn as availability %",
    );
    assert.deepEqual(
      lines("deadlocks"),
      [
        ["plan", 0],
        ["alert", 0],
      ],
      "the deadlock alert's threshold is drawn beside the plan's 0",
    );
    // Negative control: an indicator without an alert draws the plan line only.
    assert.deepEqual(lines("iops"), [["plan", 2500]]);
    assert.match(panel("cpu").query, /\| extend \['Plan target < 80 %'\] = 80, \['Alert > 90 %'\] = 90/);
  });

  it("draws the lock-wait alert on the primary only, over the alert's own measure binned per hour", () => {
    const sections = workbookLayout(prod).sections;
    const lockWait = (i: number) => sections[i].panels.find((p) => p.indicator.key === "lockWait")!;
    assert.deepEqual(
      lockWait(0).lines.map((l) => [l.kind, l.value]),
      [
        ["plan", 50],
        ["alert", 50],
      ],
    );
    assert.match(
      lockWait(0).query,
      /^let waits = PGSQLQueryStoreWaits \| where _ResourceId =~ '[^']+' and EventType == 'Lock'/,
    );
    assert.match(lockWait(0).query, /LockWaitPerExecutionMs = iff\(Executions > 0/);
    // Replicas get no lock-wait or response-time alert (Query Store records nothing there): the plan line only.
    assert.equal(sections[1].server.role, "replica");
    assert.deepEqual(
      lockWait(1).lines.map((l) => l.kind),
      ["plan"],
    );
    assert.deepEqual(
      sections[1].panels.find((p) => p.indicator.key === "responseTime")!.lines.map((l) => l.kind),
      ["plan"],
    );
    // Negative control: thresholds that gave replicas the alert would draw it there.
    const leaky = { ...prod, thresholds: { ...prod.thresholds, replica: prod.thresholds.primary } };
    assert.deepEqual(
      workbookLayout(leaky)
        .sections[1].panels.find((p) => p.indicator.key === "lockWait")!
        .lines.map((l) => l.kind),
      ["plan", "alert"],
    );
  });

  it("reads the alert catalogue's metric and aggregation for the indicators the pack watches", () => {
    for (const ind of PLAN_INDICATORS) {
      if (ind.signal.kind !== "metric" || !ind.signal.alertKey) continue;
      const spec = METRIC_CATALOGUE.find((s) => s.key === (ind.signal as any).alertKey)!;
      assert.equal(ind.signal.metricName, spec.metricName);
      assert.equal(ind.signal.aggregation, spec.timeAggregation);
    }
  });

  it("queries the tables and the ARM path of each server", () => {
    const items = all(doc.items).filter((i) => i.name.startsWith("phonebill-auth-postgresql-prod-"));
    const byName = (n: string) => items.find((i) => i.name === n);
    assert.deepEqual(queryTables(byName("phonebill-auth-postgresql-prod-lockWait").content.query), [
      "PGSQLQueryStoreWaits",
      "PGSQLQueryStoreRuntime",
    ]);
    assert.match(byName("phonebill-auth-postgresql-prod-slowQueries").content.query, /^PGSQLServerLogs\n/);
    assert.equal(byName("phonebill-auth-postgresql-prod-failover").content.queryType, 1);
    assert.equal(
      JSON.parse(byName("phonebill-auth-postgresql-prod-backups").content.query).path,
      `${ids[0]}/backups?api-version=2025-08-01`,
    );
  });
});

describe("the checker refuses", () => {
  const broken = (mutate: (d: any) => void): string[] => {
    const d = structuredClone(doc) as any;
    mutate(d);
    return checkWorkbook(d, { serverIds: ids });
  };
  const firstGroup = (d: any) => d.items.find((i: any) => i.type === 12).content.items;

  it("another version", () => assert.match(broken((d) => (d.version = "Notebook/2.0")).join(), /not "Notebook\/1.0"/));
  it("a metric Flexible Server does not have", () =>
    assert.match(
      broken(
        (d) =>
          (firstGroup(d).find((i: any) => i.type === 10).content.metrics[0].metric = "x-Saturation-read_replica_lag"),
      ).join(),
      /metric x-Saturation-read_replica_lag is not a Flexible Server metric/,
    ));
  it("a MetricName no metric has", () =>
    assert.match(
      broken((d) => {
        const q = firstGroup(d).find((i: any) => i.name.endsWith("-cpu"));
        q.content.query = q.content.query.replace("'cpu_percent'", "'cpu_usage'");
      }).join(),
      /metric cpu_usage is not a Flexible Server metric/,
    ));
  it("a table that does not exist", () =>
    assert.match(
      broken((d) => {
        const q = firstGroup(d).find((i: any) => i.name.endsWith("-slowQueries"));
        q.content.query = q.content.query.replace("PGSQLServerLogs", "PostgreSQLSlowLogs");
      }).join(),
      /table PostgreSQLSlowLogs is not a known Log Analytics table/,
    ));
  it("a server missing from the document", () =>
    assert.match(
      checkWorkbook(doc, { serverIds: [...ids, `${SUB}/x/flexibleServers/ghost`] }).join(),
      /ghost appears in no group/,
    ));
  it("an ARM path outside the stack's servers, an unknown item type, a name used twice", () => {
    const problems = broken((d) => {
      const items = firstGroup(d);
      const b = items.find((i: any) => i.name.endsWith("-backups"));
      b.content.query = JSON.stringify({ ...JSON.parse(b.content.query), path: "/subscriptions/x/providers/y" });
      items.push({ type: 7, name: "odd", content: {} });
      items.push({ ...items[0] });
    }).join("\n");
    assert.match(problems, /ARM path \/subscriptions\/x\/providers\/y is not under a server/);
    assert.match(problems, /type 7 is not markdown/);
    assert.match(problems, /name used twice/);
  });
  it("a document without items", () =>
    assert.deepEqual(checkWorkbook({ version: "Notebook/1.0", items: [] }, { serverIds: [] }), [
      "items is not a non-empty array",
    ]));
});

describe("workbook and alert pack read one catalogue", () => {
  /** Alerts the pack keeps that watch no R-6.2.1 indicator of their own (the workbook does not draw them). */
  const NOT_AN_INDICATOR: readonly string[] = ["storagePercent", "failedConnections", "diskIopsPercent"];
  const drawn = (indicators: readonly PlanIndicator[]) =>
    new Set(indicators.flatMap((i) => ("alertKey" in i.signal && i.signal.alertKey ? [i.signal.alertKey] : [])));
  const undrawn = (indicators: readonly PlanIndicator[]) =>
    METRIC_CATALOGUE.map((s) => s.key).filter((k) => !drawn(indicators).has(k) && !NOT_AN_INDICATOR.includes(k));
  const unalerted = (indicators: readonly PlanIndicator[]) =>
    indicators.filter(
      (i) =>
        i.signal.kind === "metric" &&
        !i.signal.alertKey &&
        METRIC_CATALOGUE.some((s) => i.signal.kind === "metric" && s.metricName === i.signal.metricName),
    );

  it("every metric alert is drawn by an indicator (or listed as not one), and every indicator on an alerted metric names its alert", () => {
    assert.deepEqual(undrawn(PLAN_INDICATORS), []);
    assert.deepEqual(unalerted(PLAN_INDICATORS), []);
  });

  it("every log alert of the pack is drawn by an indicator", () => {
    const p = azurePlatform("prod");
    const logKeys = (["primary", "replica"] as const).flatMap((role) =>
      alertsFor({ role, maxConnections: 100, queryStore: true }, p.monitoring.alerts)
        .filter((a) => a.kind === "log")
        .map((a) => a.key),
    );
    assert.deepEqual([...new Set(logKeys)].sort(), ["lockWaitMs", "queryResponseTimeMs", "slowQueriesPerHour"]);
    for (const k of logKeys) assert.ok(drawn(PLAN_INDICATORS).has(k), k);
    assert.ok(!drawn(PLAN_INDICATORS.filter((i) => i.key !== "slowQueries")).has("slowQueriesPerHour"));
    assert.ok(!drawn(PLAN_INDICATORS.filter((i) => i.key !== "lockWait")).has("lockWaitMs"));
  });

  it("fails when an indicator drops its alert, or an alert has no indicator (negative controls)", () => {
    const withoutDeadlockAlert = PLAN_INDICATORS.map((i) =>
      i.key === "deadlocks"
        ? { ...i, signal: { kind: "metric" as const, metricName: "deadlocks", aggregation: "Total" as const } }
        : i,
    );
    assert.deepEqual(undrawn(withoutDeadlockAlert), ["deadlocks"]);
    assert.deepEqual(
      unalerted(withoutDeadlockAlert).map((i) => i.key),
      ["deadlocks"],
    );
    assert.deepEqual(undrawn(PLAN_INDICATORS.filter((i) => i.key !== "cpu")), ["cpuPercent"]);
  });
});
