/** Teardown when a scenario fails and when the drill is interrupted: nothing may be left behind. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Workspace } from "../../../drill/cluster.js";
import { pidAlive } from "../../../drill/exec.js";
import { ensurePostgres } from "../../../drill/run.js";

function processesMentioning(s: string): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(s);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test(
  "teardown after a failure stops every postmaster by pid and removes the workspace",
  { timeout: 120_000 },
  async () => {
    ensurePostgres();
    const ws = await Workspace.create();
    let pids: number[] = [];
    try {
      const p = await ws.createPrimary({ name: "primary" });
      const r = await ws.createReplica(p, "replica");
      pids = [...p.pids, ...r.pids];
      assert.ok(pids.every(pidAlive));
      await assert.rejects(p.query("SELECT * FROM no_such_table"));
      throw new Error("scenario failed");
    } catch (e) {
      assert.match(String(e), /scenario failed/);
    } finally {
      await ws.teardown();
    }
    assert.equal(pids.length, 2);
    assert.ok(
      pids.every((p) => !pidAlive(p)),
      "postmasters still alive",
    );
    assert.deepEqual(processesMentioning(ws.dir), []);
    assert.equal(readdirSync(tmpdir()).includes(ws.dir.split("/").pop() as string), false);
  },
);

test("SIGINT during a failover drill tears everything down", { timeout: 120_000 }, async () => {
  const cli = join(import.meta.dirname, "..", "..", "..", "drill", "cli.ts");
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--quick", "--scenarios", "failover"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  // Wait until the topology exists (a postmaster runs under the child's workspace), then interrupt.
  const prefix = `${tmpdir()}/authdb-drill-${child.pid}-`;
  const until = Date.now() + 60_000;
  while (Date.now() < until && processesMentioning(prefix).filter((p) => p !== child.pid).length < 2)
    await new Promise((r) => setTimeout(r, 100));
  const running = processesMentioning(prefix);
  assert.ok(running.length >= 2, `no topology came up: ${err}`);
  child.kill("SIGINT");
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  assert.equal(code, 130, err);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(processesMentioning(prefix).filter(pidAlive), []);
  assert.deepEqual(
    readdirSync(tmpdir()).filter((d) => d.startsWith(`authdb-drill-${child.pid}-`)),
    [],
  );
});
