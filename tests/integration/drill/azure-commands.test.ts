/**
 * The Azure plan's own in-VNet commands (what follows `kubectl run … --`: psql, the writer's shell loop, pg_amcheck)
 * run for real against a local PostgreSQL 15 primary and streaming replica, through the same executor: the connection
 * strings are pointed at the local servers, `az` is answered from the recording, and the HA failover is a real
 * fast stop of the primary plus `pg_ctl promote`. So the SQL, the shell and the predicates meet real server output:
 * TLS, the pg_hba refusal text, pg_is_in_recovery, version(), the writer's rows across a real timeline change,
 * pg_amcheck's --maintenance-db form and its control.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { HOST, Workspace, type Cluster } from "../../../drill/cluster.js";
import { azurePlan, parseStackOutputs } from "../../../drill/azure.js";
import { executeAzurePlan, type Exec } from "../../../drill/azure/execute.js";
import { eventually } from "../../../drill/eventually.js";
import { pgBin, run } from "../../../drill/exec.js";
import { validateReport } from "../../../drill/report.js";
import { FAST, stackOutputs } from "../../support/fixtures/drill-azure/outputs.js";

interface Rule {
  when: string;
  stdout?: string;
  stderr?: string;
  code?: number;
}
const support = join(import.meta.dirname, "../../support");
const recording = JSON.parse(readFileSync(join(support, "fixtures/drill-azure/recording.json"), "utf8")) as Rule[];
const { answer } = createRequire(import.meta.url)(join(support, "fake-drill/fake-drill.cjs")) as {
  answer: (call: string, rules: Rule[], earlier: string[]) => Rule;
};

test("the Azure plan's commands against real PostgreSQL 15", { timeout: 180_000 }, async (t) => {
  const ws = await Workspace.create();
  try {
    const primary = await ws.createPrimary();
    const replica = await ws.createReplica(primary);
    await primary.scalar("CREATE DATABASE phonebill_auth");
    // The replica must have replayed it before the plan queries it there.
    await eventually(
      async () =>
        (await replica.scalar("SELECT count(*)::int FROM pg_database WHERE datname = 'phonebill_auth'")) === 1,
      {
        timeout: 30_000,
        interval: 100,
        what: "phonebill_auth on the replica",
      },
    );
    const out = parseStackOutputs(stackOutputs());
    let current: Cluster = primary;
    const servers: Record<string, () => string> = {
      // The primary's name follows the role (Azure's DNS does; locally libpq's host list with read-write).
      [out.primaryFqdn]: () =>
        `host=${HOST},${HOST} port=${primary.port},${replica.port} target_session_attrs=read-write`,
      [out.writerFqdn]: () =>
        `host=${HOST},${HOST} port=${primary.port},${replica.port} target_session_attrs=read-write`,
      [out.replicaFqdns.koreasouth ?? ""]: () => `host=${HOST} port=${replica.port}`,
      [`${out.primaryServerName}-verify-${FAST.stamp}.postgres.database.azure.com`]: () =>
        `host=${HOST} port=${current.port}`,
    };
    const local = (a: string): string =>
      a.replace(
        /host=(\S+) port=5432 dbname=(\S+) user=\S+ sslmode=(\S+) connect_timeout=5/g,
        (_m, host: string, db: string, sslmode: string) =>
          `${servers[host]?.() ?? `host=${host}`} dbname=${db} user=postgres sslmode=${sslmode} passfile=${ws.passfile} connect_timeout=2`,
      );
    const earlier: string[] = [];
    const exec: Exec = async (argv) => {
      const call = argv.join(" ");
      earlier.push(call);
      if (argv[0] === "kubectl") {
        let cmd = argv.slice(argv.indexOf("--") + 1).map(local);
        if (cmd[0] === "pg_amcheck") {
          cmd = cmd.map((a, i) => (cmd[i - 1] === "-h" ? HOST : cmd[i - 1] === "-p" ? String(current.port) : a));
          cmd = cmd.map((a, i) => (cmd[i - 1] === "-U" ? "postgres" : a));
        }
        const [c, ...args] = cmd;
        const bin = c === "sh" ? "sh" : pgBin(c ?? "false");
        const r = await run(bin, args, { env: ws.clientEnv(), allowFailure: true, timeoutMs: 120_000 });
        return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr };
      }
      if (argv[0] === "sleep") {
        await new Promise((r) => setTimeout(r, Number(argv[1]) * 1000));
        return { code: 0, stdout: "", stderr: "" };
      }
      if (call.includes("restart") && call.includes("--failover")) {
        await primary.stop();
        await replica.promote();
        current = replica;
        return { code: 0, stdout: "", stderr: "" };
      }
      const rule = answer(call, recording, earlier);
      return { code: rule.code ?? 0, stdout: rule.stdout ?? "", stderr: rule.stderr ?? "" };
    };
    const lines: string[] = [];
    const { report } = await executeAzurePlan(
      azurePlan(out, ["connect", "backup-restore", "failover"], {
        ...FAST,
        writer: { warmupSeconds: 2, afterSeconds: 2, maxSeconds: 60, pauseSeconds: 0.1 },
      }),
      (s) => lines.push(s),
      exec,
    );
    const log = lines.join("\n");
    assert.deepEqual(validateReport(report), [], log);
    assert.match(report.postgres, /^15\.\d+$/);
    const by = (n: string) => report.scenarios.find((s) => s.name === n);
    for (const n of ["connect", "backup-restore", "failover"]) assert.equal(by(n)?.passed, true, `${n}\n${log}`);
    assert.deepEqual(
      report.scenarios.flatMap((s) => (s.controls ?? []).filter((c) => !c.failed).map((c) => c.name)),
      [],
      log,
    );
    // The pg_hba refusal text the connect predicate requires is PostgreSQL's own.
    assert.match(log, /control non-TLS session to psql-authdb-prod: failed as it must \(refused: .*no encryption/);
    const f = by("failover");
    t.diagnostic(`failover metrics ${JSON.stringify(f?.metrics)} parameters ${JSON.stringify(f?.parameters)}`);
    assert.equal(f?.metrics.lostAcknowledgedWrites, 0, log);
    assert.equal(f?.metrics.timelinesSeen, 2, log);
    assert.ok(typeof f?.metrics.rtoSeconds === "number" && f.metrics.rtoSeconds > 0 && f.metrics.rtoSeconds < 60, log);
    assert.ok(Number(f?.metrics.acknowledgedWrites) >= 5, log);
  } finally {
    await ws.teardown();
  }
});
