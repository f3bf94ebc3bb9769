/** The alert catalogue, pure: the pack per role from the real prod and dev stack files, no Pulumi runtime. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  type AlertDefinition,
  type AlertsConfig,
  type LogAlertDefinition,
  type MetricAlertDefinition,
  QUERY_STORE_RUNTIME_TABLE,
  alertRuleName,
  alertsFor,
  kqlTimespan,
  metricAlertKeysFor,
  lockWaitQuery,
  logAlertQuery,
  queryResponseTimeQuery,
} from "../../../../infra/monitoring/alerts.js";
import {
  LOG_ALERT_FREQUENCIES,
  LOG_ALERT_WINDOWS,
  METRIC_ALERT_FREQUENCIES,
  METRIC_ALERT_WINDOWS,
} from "../../../../infra/config/azure-facts.js";
import { AZURE_RESERVED_CONNECTIONS, MAX_CONNECTIONS } from "../../../../infra/parameters.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platformOf = azurePlatform;

const prod = platformOf("prod");
const dev = platformOf("dev");

const byKey = (pack: AlertDefinition[]) => new Map(pack.map((a) => [a.key, a]));
const metric = (pack: AlertDefinition[], key: string) => {
  const a = byKey(pack).get(key as AlertDefinition["key"]);
  assert.ok(a && a.kind === "metric", `${key} is a metric alert in the pack`);
  return a;
};

const target = (role: "primary" | "replica", p = prod, queryStore = true) => ({
  role,
  maxConnections: p.server.maxConnections,
  queryStore,
});
const primaryPack = alertsFor(target("primary"), prod.monitoring.alerts);
const replicaPack = alertsFor(target("replica"), prod.monitoring.alerts);

describe("alert pack per role (prod)", () => {
  it("gives the primary down, CPU, memory, connections, storage, failed connections, IOPS, deadlocks, response time, slow queries, lock wait and health", () => {
    assert.deepEqual(
      primaryPack.map((a) => a.key),
      [
        "serverDown",
        "cpuPercent",
        "memoryPercent",
        "activeConnections",
        "storagePercent",
        "failedConnections",
        "diskIopsPercent",
        "deadlocks",
        "queryResponseTimeMs",
        "slowQueriesPerHour",
        "lockWaitMs",
        "resourceHealth",
      ],
    );
  });

  it("gives every replica down, CPU, memory, connections, storage, lag, deadlocks and health — and none of the primary-only alerts", () => {
    assert.deepEqual(
      replicaPack.map((a) => a.key),
      [
        "serverDown",
        "cpuPercent",
        "memoryPercent",
        "activeConnections",
        "storagePercent",
        "replicaLagSeconds",
        "deadlocks",
        "slowQueriesPerHour",
        "resourceHealth",
      ],
    );
    // Query Store records nothing on a replica (Learn, concepts-query-store), so its alert could never fire there.
    for (const key of ["failedConnections", "diskIopsPercent", "queryResponseTimeMs"]) {
      assert.ok(!replicaPack.some((a) => a.key === key), `${key} is primary-only`);
    }
    assert.ok(!primaryPack.some((a) => a.key === "replicaLagSeconds"), "the primary has no replication-delay metric");
  });

  it("maps each alert onto the Azure metric, aggregation and operator the plan item needs", () => {
    const expected: Record<string, [string, string, string]> = {
      serverDown: ["is_db_alive", "Maximum", "LessThan"],
      cpuPercent: ["cpu_percent", "Average", "GreaterThan"],
      memoryPercent: ["memory_percent", "Average", "GreaterThan"],
      activeConnections: ["active_connections", "Maximum", "GreaterThan"],
      storagePercent: ["storage_percent", "Average", "GreaterThan"],
      failedConnections: ["connections_failed", "Total", "GreaterThan"],
      diskIopsPercent: ["disk_iops_consumed_percentage", "Average", "GreaterThan"],
      replicaLagSeconds: ["physical_replication_delay_in_seconds", "Maximum", "GreaterThan"],
      deadlocks: ["deadlocks", "Total", "GreaterThan"],
    };
    for (const a of [...primaryPack, ...replicaPack]) {
      if (a.kind !== "metric") continue;
      assert.deepEqual([a.metricName, a.timeAggregation, a.operator], expected[a.key], a.key);
      assert.equal(a.metricNamespace, "Microsoft.DBforPostgreSQL/flexibleServers");
    }
  });

  it("takes thresholds from config; down is 'alive below 1'; connections use the derived threshold", () => {
    assert.equal(metric(primaryPack, "serverDown").threshold, 1);
    assert.equal(metric(primaryPack, "cpuPercent").threshold, 90);
    assert.equal(metric(primaryPack, "memoryPercent").threshold, 95);
    assert.equal(metric(primaryPack, "storagePercent").threshold, 80);
    assert.equal(
      metric(primaryPack, "failedConnections").threshold,
      prod.monitoring.alerts.failedConnections.threshold,
    );
    assert.equal(metric(primaryPack, "diskIopsPercent").threshold, prod.monitoring.alerts.diskIopsPercent.threshold);
    assert.equal(metric(replicaPack, "replicaLagSeconds").threshold, 5);
    // 70 % of the slots left after Azure's reserved ones, not the plan's "85 of 100" (D8).
    const derived = Math.floor(((MAX_CONNECTIONS - AZURE_RESERVED_CONNECTIONS) * 70) / 100);
    assert.equal(metric(primaryPack, "activeConnections").threshold, derived);
    assert.ok(derived < MAX_CONNECTIONS - AZURE_RESERVED_CONNECTIONS);
  });

  it("maps the plan's windows onto Azure's: down 1 min, CPU 5 min, memory 3 min → 5 min, storage 30 min, lag 5 min", () => {
    const windows = Object.fromEntries(
      [...primaryPack, ...replicaPack]
        .filter((a): a is MetricAlertDefinition => a.kind === "metric")
        .map((a) => [a.key, [a.windowSize, a.evaluationFrequency]]),
    );
    assert.deepEqual(windows.serverDown, ["PT1M", "PT1M"]);
    assert.deepEqual(windows.cpuPercent, ["PT5M", "PT1M"]);
    assert.deepEqual(windows.memoryPercent, ["PT5M", "PT1M"]);
    assert.deepEqual(windows.storagePercent, ["PT30M", "PT5M"]);
    assert.deepEqual(windows.replicaLagSeconds, ["PT5M", "PT1M"]);
    for (const a of [...primaryPack, ...replicaPack]) {
      if (a.kind === "metric") {
        assert.ok((METRIC_ALERT_WINDOWS as readonly string[]).includes(a.windowSize), `${a.key} window`);
        assert.ok(
          (METRIC_ALERT_FREQUENCIES as readonly string[]).includes(a.evaluationFrequency),
          `${a.key} frequency`,
        );
      } else if (a.kind === "log") {
        assert.ok((LOG_ALERT_WINDOWS as readonly string[]).includes(a.windowSize));
        assert.ok((LOG_ALERT_FREQUENCIES as readonly string[]).includes(a.evaluationFrequency));
      }
    }
  });

  it("routes critical alerts to the critical group and warnings to the warning group, with the config's severities", () => {
    const route = (pack: AlertDefinition[]) => Object.fromEntries(pack.map((a) => [a.key, a.actionGroup]));
    assert.deepEqual(route(primaryPack), {
      serverDown: "critical",
      cpuPercent: "critical",
      memoryPercent: "critical",
      activeConnections: "critical",
      storagePercent: "warning",
      failedConnections: "warning",
      diskIopsPercent: "warning",
      deadlocks: "warning",
      queryResponseTimeMs: "warning",
      slowQueriesPerHour: "warning",
      lockWaitMs: "warning",
      resourceHealth: "critical",
    });
    assert.deepEqual(route(replicaPack), {
      serverDown: "critical",
      cpuPercent: "critical",
      memoryPercent: "critical",
      activeConnections: "critical",
      storagePercent: "warning",
      replicaLagSeconds: "critical",
      deadlocks: "warning",
      slowQueriesPerHour: "warning",
      resourceHealth: "critical",
    });
    assert.equal(metric(primaryPack, "serverDown").severity, 0);
    assert.equal(metric(primaryPack, "cpuPercent").severity, 1);
    assert.equal(metric(primaryPack, "storagePercent").severity, 2);
  });

  it("names rules after the server, uniquely across the whole stack", () => {
    assert.equal(
      alertRuleName(prod.server.name, metric(primaryPack, "cpuPercent")),
      "phonebill-auth-postgresql-prod-cpu-high",
    );
    const names = [
      ...primaryPack.map((a) => alertRuleName(prod.server.name, a)),
      ...prod.replicas.flatMap((r) => replicaPack.map((a) => alertRuleName(r.name, a))),
    ];
    assert.equal(new Set(names).size, names.length);
  });

  it("records the plan item every alert implements", () => {
    for (const a of [...primaryPack, ...replicaPack]) assert.match(a.planItem, /\S/, a.key);
  });
});

describe("response-time log alert", () => {
  const log = primaryPack.find((a): a is LogAlertDefinition => a.kind === "log" && a.key === "queryResponseTimeMs");

  it("compares the Query Store mean against the configured 200 ms over the 10-minute window", () => {
    assert.ok(log);
    assert.equal(log.table, "PGSQLQueryStoreRuntime");
    assert.equal(log.threshold, 200);
    assert.equal(log.operator, "GreaterThan");
    assert.equal(log.windowSize, "PT10M");
  });

  it("queries the resource-specific Query Store table for one server, weighting by calls, binned on the window", () => {
    assert.ok(log);
    const id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-a";
    const query = queryResponseTimeQuery(id, log);
    assert.ok(query.startsWith(QUERY_STORE_RUNTIME_TABLE));
    assert.match(query, new RegExp(`_ResourceId =~ '${id.replace(/\//g, "\\/")}'`));
    assert.match(query, /IsSystemQuery == false/);
    assert.match(query, /AvgExecDurationMs = sum\(TotalExecDurationMs\) \/ sum\(Calls\)/);
    assert.match(query, /by _ResourceId, bin\(TimeGenerated, 10m\)/);
  });

  it("counts a server's slow statements in the server log over the window, with no bin (Total of one row)", () => {
    const slow = primaryPack.find((a): a is LogAlertDefinition => a.kind === "log" && a.key === "slowQueriesPerHour");
    assert.ok(slow);
    assert.equal(slow.table, "PGSQLServerLogs");
    assert.equal(slow.timeAggregation, "Total");
    const query = logAlertQuery("/x/pg-a", slow);
    assert.equal(
      query,
      "PGSQLServerLogs\n| where _ResourceId =~ '/x/pg-a'\n| where Message has \"duration:\"\n| summarize SlowQueries = count() by _ResourceId",
    );
    // Negative control: the response-time alert does not get the server-log query.
    assert.ok(log);
    assert.ok(logAlertQuery("/x/pg-a", log).startsWith(QUERY_STORE_RUNTIME_TABLE));
    assert.ok(
      replicaPack.some((a) => a.key === "slowQueriesPerHour"),
      "replicas log slow statements too",
    );
  });

  it("escapes the id as a KQL string", () => {
    assert.ok(log);
    assert.match(queryResponseTimeQuery("a'b\\c", log), /=~ 'a\\'b\\\\c'/);
  });

  it("converts ISO windows to KQL timespans and rejects anything else", () => {
    assert.equal(kqlTimespan("PT10M"), "10m");
    assert.equal(kqlTimespan("PT1H"), "60m");
    assert.equal(kqlTimespan("P1D"), "1440m");
    assert.throws(() => kqlTimespan("10 minutes"), /not an ISO-8601 window/);
  });
});

describe("lock-wait log alert (R-6.2.1 대기_시간 < 50ms)", () => {
  const lock = primaryPack.find((a): a is LogAlertDefinition => a.kind === "log" && a.key === "lockWaitMs");
  const id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-a";

  it("fires when the estimated lock wait per execution exceeds the configured 50 ms over 15 minutes", () => {
    assert.ok(lock);
    assert.equal(lock.table, "PGSQLQueryStoreWaits");
    assert.equal(lock.measureColumn, "LockWaitPerExecutionMs");
    assert.equal(lock.operator, "GreaterThan");
    assert.equal(lock.threshold, 50);
    assert.equal(`${lock.windowSize} / ${lock.evaluationFrequency}`, "PT15M / PT5M");
  });

  it("estimates lock wait as Lock samples × 100 ms over the window's executions, user queries only, one row", () => {
    assert.ok(lock);
    const query = logAlertQuery(id, lock);
    assert.equal(query, lockWaitQuery(id, lock));
    assert.equal(
      query,
      [
        `let LockWaitMs = toscalar(PGSQLQueryStoreWaits | where _ResourceId =~ '${id}' and EventType == 'Lock' and UserId !in (10, 0) and QueryId != 0 | summarize sum(Calls) * 100);`,
        "PGSQLQueryStoreRuntime",
        `| where _ResourceId =~ '${id}' and IsSystemQuery == false`,
        "| summarize Executions = sum(Calls) by _ResourceId",
        "| extend LockWaitPerExecutionMs = iff(Executions > 0, coalesce(LockWaitMs, 0) / todouble(Executions), 0.0)",
        "| project _ResourceId, LockWaitPerExecutionMs",
      ].join("\n"),
    );
    // The workbook's series is the same measure, binned (negative control: the binned query is not the alert's).
    const binned = lockWaitQuery(id, lock, "1h");
    assert.notEqual(binned, query);
    assert.match(binned, /by bin\(TimeGenerated, 1h\)[\s\S]*by bin\(TimeGenerated, 1h\)/);
    assert.match(binned, /EventType == 'Lock' and UserId !in \(10, 0\) and QueryId != 0/);
  });

  it("sits only where wait sampling records: primaries with Query Store (not replicas, not Burstable); can be disabled", () => {
    const keys = (t: ReturnType<typeof target>, alerts = prod.monitoring.alerts) =>
      alertsFor(t, alerts).map((a) => a.key);
    assert.ok(keys(target("primary")).includes("lockWaitMs"));
    assert.ok(!keys(target("replica")).includes("lockWaitMs"));
    assert.ok(!keys(target("primary", prod, false)).includes("lockWaitMs"));
    const off = { ...prod.monitoring.alerts, lockWaitMs: { ...prod.monitoring.alerts.lockWaitMs, enabled: false } };
    assert.ok(!keys(target("primary"), off).includes("lockWaitMs"));
  });
});

describe("alerts that can fire", () => {
  it("puts the Query Store response-time alert only on primaries that capture (not on replicas, not on Burstable)", () => {
    const keys = (t: ReturnType<typeof target>) => alertsFor(t, prod.monitoring.alerts).map((a) => a.key);
    assert.ok(keys(target("primary")).includes("queryResponseTimeMs"));
    assert.ok(!keys(target("replica")).includes("queryResponseTimeMs"));
    assert.ok(!keys(target("primary", prod, false)).includes("queryResponseTimeMs"));
  });

  it("derives each server's connection alert from its own max_connections", () => {
    const big = alertsFor({ role: "replica", maxConnections: 200, queryStore: true }, prod.monitoring.alerts);
    assert.equal(
      metric(big, "activeConnections").threshold,
      Math.floor(((200 - AZURE_RESERVED_CONNECTIONS) * 70) / 100),
    );
  });
});

describe("config variations", () => {
  it("routes everything to the dev stack's single group, with the dev thresholds", () => {
    const devPrimary = alertsFor(target("primary", dev), dev.monitoring.alerts);
    const devReplica = alertsFor(target("replica", dev), dev.monitoring.alerts);
    assert.deepEqual(new Set([...devPrimary, ...devReplica].map((a) => a.actionGroup)), new Set(["all"]));
    assert.equal(metric(devPrimary, "cpuPercent").threshold, 95);
    assert.equal(metric(devReplica, "replicaLagSeconds").threshold, 30);
    assert.equal((devPrimary.find((a) => a.kind === "log") as LogAlertDefinition).threshold, 500);
  });

  it("leaves disabled alerts out instead of creating them disabled", () => {
    const alerts: AlertsConfig = {
      ...prod.monitoring.alerts,
      cpuPercent: { ...prod.monitoring.alerts.cpuPercent, enabled: false },
      replicaLagSeconds: { ...prod.monitoring.alerts.replicaLagSeconds, enabled: false },
      queryResponseTimeMs: { ...prod.monitoring.alerts.queryResponseTimeMs, enabled: false },
      resourceHealth: { ...prod.monitoring.alerts.resourceHealth, enabled: false },
    };
    const primary = alertsFor(target("primary"), alerts).map((a) => a.key);
    const replica = alertsFor(target("replica"), alerts).map((a) => a.key);
    assert.ok(!primary.includes("cpuPercent") && primary.includes("memoryPercent"));
    assert.deepEqual(replica, [
      "serverDown",
      "memoryPercent",
      "activeConnections",
      "storagePercent",
      "deadlocks",
      "slowQueriesPerHour",
    ]);
  });

  it("exposes the role mapping the docs table is written from", () => {
    assert.deepEqual(metricAlertKeysFor("replica"), [
      "serverDown",
      "cpuPercent",
      "memoryPercent",
      "activeConnections",
      "storagePercent",
      "replicaLagSeconds",
      "deadlocks",
    ]);
    assert.equal(metricAlertKeysFor("primary").length, 8);
  });
});

describe("docs/monitoring.md", () => {
  /** The "Alert pack" table, by rule suffix: [roles, signal, operator, threshold, window / frequency, severity, group]. */
  function documentedPack(): Map<string, string[]> {
    const text = readFileSync("docs/monitoring.md", "utf8");
    const section = text.slice(text.indexOf("## Alert pack"), text.indexOf("## Decisions"));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    return new Map(
      rows.map((l) => {
        const cells = l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim());
        return [cells[0].replace(/`/g, ""), cells.slice(1, 8)];
      }),
    );
  }

  it("documents exactly the prod pack, with the values the catalogue derives from Pulumi.prod.yaml", () => {
    const documented = documentedPack();
    const packs = { primary: primaryPack, replica: replicaPack };
    const suffixes = new Set([...primaryPack, ...replicaPack].map((a) => a.suffix));
    assert.deepEqual([...documented.keys()].sort(), [...suffixes].sort());
    for (const suffix of suffixes) {
      const [roles, signal, operator, threshold, window, severity, group] = documented.get(suffix)!;
      const roleList = (["primary", "replica"] as const).filter((r) => packs[r].some((a) => a.suffix === suffix));
      assert.equal(roles, roleList.join(", "), `${suffix} roles`);
      const a = [...primaryPack, ...replicaPack].find((x) => x.suffix === suffix)!;
      assert.equal(group, a.actionGroup, `${suffix} group`);
      if (a.kind === "activityLog") {
        assert.match(signal, new RegExp(a.category));
        assert.deepEqual([operator, threshold, window, severity], ["—", "—", "—", "—"]);
        continue;
      }
      assert.ok(signal.includes(a.kind === "metric" ? `\`${a.metricName}\`` : `\`${a.table}\``), `${suffix} signal`);
      assert.equal(operator, a.operator, `${suffix} operator`);
      assert.equal(threshold, String(a.threshold), `${suffix} threshold`);
      assert.equal(window, `${a.windowSize} / ${a.evaluationFrequency}`, `${suffix} window`);
      assert.equal(severity, String(a.severity), `${suffix} severity`);
    }
  });
});
