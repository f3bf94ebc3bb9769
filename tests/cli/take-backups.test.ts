// The deploy step that takes the preview's on-demand backups, as the pipeline runs it: prints what it would run with
// --dry-run and exits 0; exits 2 on a missing file. What it reads and refuses: tests/unit/tools/take-backups.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PREVIEW_BACKUP as backup } from "../support/fixtures/take-backups/backup.js";

describe("tools/take-backups.ts on the command line", () => {
  it("prints the commands with --dry-run and exits 0; exits 2 on a missing file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "authdb-take-")), "preview.json");
    writeFileSync(file, JSON.stringify({ backups: [backup] }));
    const ok = spawnSync("npx", ["tsx", "tools/take-backups.ts", file, "--dry-run"], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /az postgres flexible-server backup create --server-name s --name pre-change-x/);
    const missing = spawnSync("npx", ["tsx", "tools/take-backups.ts", `${file}.absent`], { encoding: "utf8" });
    assert.equal(missing.status, 2);
  });
});
