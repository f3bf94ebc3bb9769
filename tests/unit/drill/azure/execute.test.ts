/**
 * The Azure drill run against recorded `az`/`kubectl` output (tests/support/fixtures/drill-azure/recording.json),
 * answered in-process, with one wrong value at a time: each predicate fails its scenario (the recording as it is passes
 * every scenario, the first test). The same recording through the real spawn of the fake programs on PATH (the writer
 * really runs while the failover runs), and the admin password on a pod's stdin: tests/cli/drill-azure.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { azurePlan, parseStackOutputs, type AzureScenarioName } from "../../../../drill/azure.js";
import { executeAzurePlan, type Exec } from "../../../../drill/azure/execute.js";
import { validateReport } from "../../../../drill/report.js";
import { FAST, stackOutputs } from "../../../support/fixtures/drill-azure/outputs.js";

interface Rule {
  when: string;
  stdout?: string;
  stderr?: string;
  code?: number;
  lines?: string[];
  delayMs?: number;
  intervalMs?: number;
}
const fixtures = join(import.meta.dirname, "../../../support");
const recordingFile = join(fixtures, "fixtures/drill-azure/recording.json");
const recording = JSON.parse(readFileSync(recordingFile, "utf8")) as Rule[];
const { answer } = createRequire(import.meta.url)(join(fixtures, "fake-drill/fake-drill.cjs")) as {
  answer: (call: string, rules: Rule[], earlier: string[]) => Rule;
};
const outputs = parseStackOutputs(stackOutputs());
const ALL: AzureScenarioName[] = [
  "connect",
  "lag",
  "failover",
  "pitr",
  "backup-restore",
  "region-switchover",
  "failover-forced",
  "load",
];
const opts = { ...FAST, allowDestructive: "psql-authdb-prod" };

/** The recording answered in-process, overrides first (line intervals dropped: the spawned test shows the overlap). */
function inProcess(overrides: Rule[] = []): Exec {
  const earlier: string[] = [];
  return (argv) => {
    if (argv[0] === "sleep") return new Promise((r) => setTimeout(() => r({ code: 0, stdout: "", stderr: "" }), 5));
    const call = argv.join(" ");
    const rule = answer(call, [...overrides, ...recording], earlier);
    return new Promise((resolve) =>
      setTimeout(() => {
        earlier.push(call);
        resolve({
          code: rule.code ?? 0,
          stdout: (rule.lines ?? []).map((l) => l + "\n").join("") + (rule.stdout ?? ""),
          stderr: rule.stderr ?? "",
        });
      }, rule.delayMs ?? 0),
    );
  };
}

describe("Azure drill against recorded az/kubectl", () => {
  it("all scenarios on the recording: every scenario passes, every control fails, the report validates", async () => {
    const lines: string[] = [];
    const { report, log: entries } = await executeAzurePlan(
      azurePlan(outputs, ALL, opts),
      (s) => lines.push(s),
      inProcess(),
    );
    assert.deepEqual(validateReport(report), [], lines.join("\n"));
    assert.equal(report.postgres, "15.8");
    assert.deepEqual(
      report.scenarios.filter((s) => !s.passed).map((s) => s.name),
      [],
      lines.join("\n"),
    );
    assert.deepEqual(report.scenarios.map((s) => s.name).sort(), [...ALL].sort());
    for (const s of report.scenarios)
      assert.ok(
        (s.controls ?? []).every((c) => c.failed),
        `${s.name}: ${JSON.stringify(s.controls)}`,
      );
    for (const name of ["connect", "lag", "failover", "pitr", "backup-restore", "region-switchover"])
      assert.ok((report.scenarios.find((s) => s.name === name)?.controls ?? []).length > 0, name);
    const failover = report.scenarios.find((s) => s.name === "failover");
    assert.deepEqual(
      {
        rto: failover?.metrics.rtoSeconds,
        lost: failover?.metrics.lostAcknowledgedWrites,
        acked: failover?.metrics.acknowledgedWrites,
      },
      { rto: 10.6, lost: 0, acked: 38 },
    );
    assert.equal(typeof failover?.parameters?.failoverCommandSeconds, "number");
    const connect = report.scenarios.find((s) => s.name === "connect");
    assert.deepEqual(connect?.metrics, {
      tls: true,
      nonTlsRefused: true,
      nonTlsReplicationRefused: true,
      parametersMatching: connect?.targets.parametersMatching,
      replicaInRecovery: true,
    });
    assert.equal(report.scenarios.find((s) => s.name === "lag")?.metrics.maxSeconds, 1.2);
    assert.deepEqual(report.scenarios.find((s) => s.name === "load")?.metrics, {
      tps: 1633.9,
      avgLatencyMs: 61.204,
      p95LatencyMs: 130,
      clients: 100,
    });
    assert.ok(!entries.some((e) => (e.run?.stdout ?? "").includes("s3cret-from-vault")));
  });

  const rowsOf = (rows: [number, number, string][]): string =>
    rows.map(([seq, at, tl]) => `${seq}|${at}|${tl}|10.0.2.4`).join("\n") + "\n";
  const recorded = (when: string): Rule => {
    const r = recording.find((x) => x.when === when);
    if (!r) throw new Error(`no rule ${when}`);
    return r;
  };
  const goodRows = recorded("^kubectl run drill-writer-rows-").stdout ?? "";

  const cases: {
    name: string;
    scenario: AzureScenarioName;
    overrides: Rule[];
    problem: RegExp;
    options?: Partial<Parameters<typeof azurePlan>[2]>;
  }[] = [
    {
      name: "a parameter with another value",
      scenario: "connect",
      overrides: [{ when: "parameter show .*--name log_connections ", stdout: "off\n" }],
      problem: /log_connections: declared on, server has "off"/,
    },
    {
      name: "a set parameter missing a member",
      scenario: "connect",
      overrides: [{ when: "parameter show .*--name azure\\.extensions ", stdout: "pgaudit,pgcrypto\n" }],
      problem: /azure\.extensions: declared .*amcheck, server has "pgaudit,pgcrypto"/,
    },
    {
      name: "pg_is_in_recovery printing something else than t/f",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-recovery-.*-krs\\.", stdout: "true\n" }],
      problem: /printed "true", not t or f/,
    },
    {
      name: "a replica that is not in recovery",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-recovery-.*-krs\\.", stdout: "f\n" }],
      problem: /pg_is_in_recovery\(\) is f, expected t/,
    },
    {
      name: "a session without TLS",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-tls-", stdout: "f|\n" }],
      problem: /pg_stat_ssl of this session is "f\|"/,
    },
    {
      name: "a non-TLS session accepted",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-notls-", stdout: "1\n" }],
      problem: /control non-TLS session to psql-authdb-prod: did NOT fail/,
    },
    {
      name: "a non-TLS session refused for another reason (timeout)",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-notls-", code: 2, stderr: "psql: error: timeout expired\n" }],
      problem: /control non-TLS session to psql-authdb-prod: did NOT fail/,
    },
    {
      name: "a non-TLS replication connection accepted",
      scenario: "connect",
      overrides: [{ when: "^kubectl run drill-notls-replication-", stdout: "7311|1|0/3000148|\n" }],
      problem: /control non-TLS replication connection to psql-authdb-prod: did NOT fail/,
    },
    {
      name: "a lag maximum of 7.5 s",
      scenario: "lag",
      overrides: [
        {
          when: "^az monitor metrics list --resource \\S*/psql-authdb-prod-krs ",
          stdout: JSON.stringify({ value: [{ timeseries: [{ data: [{ maximum: 0.2 }, { maximum: 7.5 }] }] }] }),
        },
      ],
      problem: /maximum lag 7\.5 s, target < 5 s/,
    },
    {
      name: "a replica lag series without data",
      scenario: "lag",
      overrides: [
        {
          when: "^az monitor metrics list --resource \\S*/psql-authdb-prod-krs ",
          stdout: JSON.stringify({ value: [{ timeseries: [{ data: [{ timeStamp: "x" }] }] }] }),
        },
      ],
      problem: /no data point/,
    },
    {
      name: "an acknowledged write missing from the rows",
      scenario: "failover",
      overrides: [
        {
          when: "^kubectl run drill-writer-rows-",
          stdout: goodRows
            .split("\n")
            .filter((l) => !l.startsWith("30|"))
            .join("\n"),
        },
      ],
      problem: /1 of 38 acknowledged writes missing/,
    },
    {
      name: "rows on one timeline only (the writer did not write across a failover)",
      scenario: "failover",
      overrides: [
        {
          when: "^kubectl run drill-writer-rows-",
          stdout: rowsOf(Array.from({ length: 40 }, (_, i) => [i + 1, 1796000000 + i, "00000001"])),
        },
      ],
      problem: /no promotion seen/,
    },
    {
      name: "a write gap of 120 s across the promotion",
      scenario: "failover",
      overrides: [
        {
          when: "^kubectl run drill-writer-rows-",
          stdout: rowsOf(
            Array.from({ length: 40 }, (_, i): [number, number, string] =>
              i < 20 ? [i + 1, 1796000000 + i, "00000001"] : [i + 1, 1796000119 + i, "00000002"],
            ),
          ),
        },
      ],
      problem: /RTO 120 s > 60 s/,
    },
    {
      name: "a restored server with a row after T and one missing before it",
      scenario: "pitr",
      overrides: [{ when: "^kubectl run drill-pitr-check-", stdout: "49|1\n" }],
      problem: /1 of 50 rows written before T missing; 1 rows written after T present/,
    },
    {
      name: "a restore slower than the service RTO",
      scenario: "pitr",
      overrides: [
        {
          when: "^az postgres flexible-server restore .*--name psql-authdb-prod-pitr-",
          stdout: JSON.stringify({ name: "psql-authdb-prod-pitr-202612021800" }),
          delayMs: 1200,
        },
      ],
      problem: /the restore took 1\.2 s, service RTO 1 s/,
      options: { pitr: { ...FAST.pitr, restoreBudgetSeconds: 1 } },
    },
    {
      name: "a marker step that printed no instant",
      scenario: "pitr",
      overrides: [{ when: "^kubectl run drill-pitr-markers-", stdout: "\n" }],
      problem: /expected a UTC instant, got \(nothing\)/,
    },
    {
      name: "pg_amcheck reporting corruption",
      scenario: "backup-restore",
      overrides: [
        {
          when: "^kubectl run drill-amcheck-2",
          code: 2,
          stdout:
            'heap table "phonebill_auth.public.users", block 0, offset 3:\n    line pointer to page offset 9999 is not maximally aligned\n',
        },
      ],
      problem: /exited 2: heap table/,
    },
    {
      name: "a replica still reported as replica after its promotion",
      scenario: "region-switchover",
      overrides: [{ when: "show --name psql-authdb-prod-krs --query replica\\.role", stdout: "GeoAsyncReplica\n" }],
      problem: /expected Primary, got "GeoAsyncReplica"/,
    },
    {
      name: "pgbench below 500 tps",
      scenario: "load",
      overrides: [
        {
          when: "^kubectl run drill-pgbench-",
          stdout: "latency average = 200.0 ms\ntps = 420.0 (without initial connection time)\n",
        },
      ],
      problem: /tps 420 < 500; average latency 200 ms ≥ 100 ms/,
    },
  ];

  for (const c of cases)
    it(`fails ${c.scenario} on ${c.name}`, async () => {
      const lines: string[] = [];
      const { report } = await executeAzurePlan(
        azurePlan(outputs, [c.scenario], { ...opts, ...c.options }),
        (s) => lines.push(s),
        inProcess(c.overrides),
      );
      const s = report.scenarios.find((x) => x.name === c.scenario);
      assert.equal(s?.passed, false, lines.join("\n"));
      assert.ok(
        lines.some((l) => c.problem.test(l)),
        lines.join("\n"),
      );
      assert.deepEqual(validateReport(report), []);
    });

  it("a failed setup (no version) skips everything but cleanup, and the report says so", async () => {
    const { report, log } = await executeAzurePlan(
      azurePlan(outputs, ["pitr"], opts),
      () => undefined,
      inProcess([{ when: "^kubectl run drill-version-", stdout: "garbage\n" }]),
    );
    assert.equal(report.postgres, "unknown");
    assert.ok(validateReport(report).some((p) => p.startsWith("postgres unknown")));
    assert.ok(log.filter((e) => e.status === "skipped").length > 3);
    assert.ok(log.some((e) => e.step.cleanup && e.status === "passed"));
  });
});
