/**
 * logical: a `pg_dump -Fc` of the primary restored with `pg_restore` into a fresh cluster, compared table by table with
 * the source at the time of the dump (drill/scenarios/checksums.ts, the same helper as `backup`). Control, run for
 * real: a row changed in the source after the dump makes the comparison fail, on exactly that table.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Workspace } from "../cluster.js";
import { pgBin, run } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { checksumDifferences, tableChecksums } from "./checksums.js";
import { pgbenchInit, round } from "./support.js";

export async function logicalScenario(ws: Workspace, o: DrillOptions["logical"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  // Types a logical round trip has to carry: UTF-8 text (R-7.1.1's Korean collation data), jsonb, numeric, timestamptz,
  // bytea, NULLs.
  await primary.query(`
    CREATE TABLE logical_types (id int PRIMARY KEY, t text, j jsonb, n numeric, ts timestamptz, b bytea);
    INSERT INTO logical_types VALUES
      (1, '전화번호부 인증', '{"k": [1, 2, {"x": null}]}', 12345678901234567890.123456789, '2026-12-02 12:00:00.123456+09', '\\x00ff10'),
      (2, NULL, NULL, NULL, NULL, NULL),
      (3, E'quote '' and comma , and newline \\n', '[]', -0.5, 'infinity', '');`);
  const source = await tableChecksums(primary);
  const dumpFile = join(ws.dir, "logical.dump");
  const d0 = performance.now();
  await run(pgBin("pg_dump"), ["-Fc", "-f", dumpFile, "-d", primary.conninfo()], {
    env: ws.clientEnv(),
    timeoutMs: 600_000,
  });
  const dumpSeconds = (performance.now() - d0) / 1000;
  const dumpBytes = statSync(dumpFile).size;

  const fresh = await ws.createPrimary({ name: "fresh" });
  const r0 = performance.now();
  const restore = await run(pgBin("pg_restore"), ["--exit-on-error", "-d", fresh.conninfo(), dumpFile], {
    env: ws.clientEnv(),
    allowFailure: true,
    timeoutMs: 600_000,
  });
  const restoreSeconds = (performance.now() - r0) / 1000;
  const restored = await tableChecksums(fresh);
  const differences = checksumDifferences(source, restored);
  const checksumsMatch = restore.code === 0 && differences.length === 0 && Object.keys(source).length > 0;

  // Control: the source changes after the dump; the same comparison must now fail, on that table only.
  await primary.query("UPDATE pgbench_tellers SET tbalance = tbalance + 1 WHERE tid = 1");
  const after = checksumDifferences(await tableChecksums(primary), restored);
  const changeDetected = after.length === 1 && after[0]?.startsWith("public.pgbench_tellers:") === true;
  const controls = [{ name: "row-changed-after-dump", expectFailure: true as const, failed: changeDetected }];
  return {
    results: [
      {
        name: "logical",
        passed: checksumsMatch && controls.every((c) => c.failed),
        metrics: {
          checksumsMatch,
          tablesCompared: Object.keys(source).length,
          rowsCompared: Object.values(source).reduce((a, t) => a + t.rows, 0),
          dumpSeconds: round(dumpSeconds),
          restoreSeconds: round(restoreSeconds),
          dumpMB: round(dumpBytes / 1e6, 2),
        },
        targets: { checksumsMatch: true },
        parameters: { scale: o.scale },
        controls,
      },
    ],
    notes: [
      `pg_dump -Fc of database postgres (pgbench scale ${o.scale} + a table of UTF-8 text, jsonb, numeric, timestamptz, bytea and NULLs): ${(dumpBytes / 1e6).toFixed(2)} MB in ${dumpSeconds.toFixed(2)} s; pg_restore --exit-on-error into a fresh cluster ${restore.code === 0 ? `in ${restoreSeconds.toFixed(2)} s` : `FAILED: ${restore.stderr.trim()}`}.`,
      `Per-table md5 of the rows in key order over ${Object.keys(source).length} tables: ${differences.length === 0 ? "equal to the source at the dump" : differences.join("; ")}. Control: pgbench_tellers tid 1 changed in the source after the dump: ${after.join("; ") || "NOT detected"}.`,
    ],
  };
}
