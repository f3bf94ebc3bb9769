// The Azure drill through the real spawn of the fake `az`/`kubectl` programs on PATH, answering from the recording
// (tests/support/fixtures/drill-azure/recording.json): the writer really runs while the failover runs, and the PITR
// target T is substituted into the restore; and the admin password handed to a pod's shell on stdin, never in argv.
// Each predicate failing on a wrong value: tests/unit/drill/azure/execute.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, it } from "node:test";
import { azurePlan, parseStackOutputs } from "../../drill/azure.js";
import {
  executeAzurePlan,
  PASSWORD_FROM_STDIN,
  passwordFromStdin,
  spawnExec,
  stdinFor,
} from "../../drill/azure/execute.js";
import { validateReport } from "../../drill/report.js";
import { FAST, stackOutputs } from "../support/fixtures/drill-azure/outputs.js";

const fixtures = join(import.meta.dirname, "../support");
const recordingFile = join(fixtures, "fixtures/drill-azure/recording.json");
const outputs = parseStackOutputs(stackOutputs());
const opts = { ...FAST, allowDestructive: "psql-authdb-prod" };

describe("the Azure drill on fake az/kubectl programs", () => {
  it("spawns the fake programs on PATH: the writer runs while the failover runs, T is substituted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authdb-azure-drill-"));
    try {
      const log = join(dir, "calls.jsonl");
      const env = {
        ...process.env,
        PATH: `${join(fixtures, "fake-drill")}${delimiter}${process.env.PATH ?? ""}`,
        FAKE_DRILL_RECORDING: recordingFile,
        FAKE_DRILL_LOG: log,
      };
      const lines: string[] = [];
      const { report } = await executeAzurePlan(
        azurePlan(outputs, ["failover", "pitr"], opts),
        (s) => lines.push(s),
        spawnExec(env),
      );
      assert.deepEqual(validateReport(report), [], lines.join("\n"));
      assert.ok(
        report.scenarios.every((s) => s.passed),
        lines.join("\n"),
      );
      const calls = readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { call: string; started: number; ended: number });
      const writer = calls.find((c) => c.call.startsWith("kubectl run drill-writer-2"));
      const restart = calls.find((c) => c.call.includes("--failover Planned"));
      assert.ok(writer && restart, "writer and failover calls logged");
      assert.ok(writer.started < restart.started && writer.ended > restart.ended, JSON.stringify({ writer, restart }));
      assert.ok(calls.some((c) => c.call.includes("--restore-time 2026-12-02T18:04:05Z")));
      assert.equal(calls.filter((c) => c.call.startsWith("az postgres flexible-server delete")).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the admin password on a pod's stdin", () => {
  it("the pod's shell reads it into PGPASSWORD for the command, and only there", async () => {
    const vars = new Map([["ADMIN_PASSWORD" as const, "s3cr3t with spaces"]]);
    const argv = passwordFromStdin(["sh", "-c", 'printf "%s|" "$PGPASSWORD" "$1"', "sh", "arg"]);
    const r = await spawnExec()(argv, stdinFor(argv, vars));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "s3cr3t with spaces|arg|");
    assert.ok(!argv.join(" ").includes("s3cr3t"));
  });

  it("negative controls: without stdin the command does not run; a step without the wrapper gets no stdin", async () => {
    const argv = passwordFromStdin(["echo", "ran"]);
    const r = await spawnExec()(argv);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, "");
    assert.equal(stdinFor(["echo", PASSWORD_FROM_STDIN.slice(1)], new Map([["ADMIN_PASSWORD", "x"]])), undefined);
    assert.throws(() => stdinFor(argv, new Map()), /admin password was not read/);
  });
});
