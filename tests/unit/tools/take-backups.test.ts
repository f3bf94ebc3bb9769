// The deploy step that takes the preview's on-demand backups: reads only az backup commands, refuses anything else and a
// preview without its backups list (negative controls), and prints what it would run with --dry-run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { backupsOf } from "../../../tools/take-backups.js";

const backup = {
  server: "phonebill-auth-postgresql-prod",
  reasons: ["scale: sku.name"],
  command: ["az", "postgres", "flexible-server", "backup", "create", "--server-name", "s", "--name", "pre-change-x"],
};

describe("take-backups", () => {
  it("reads the preview's backups", () => assert.deepEqual(backupsOf(JSON.stringify({ backups: [backup] })), [backup]));
  it("refuses a preview without a backups list and a command that is not an az backup (negative controls)", () => {
    assert.throws(() => backupsOf(JSON.stringify({ changes: [] })), /no backups list/);
    assert.throws(
      () => backupsOf(JSON.stringify({ backups: [{ ...backup, command: ["rm", "-rf", "/"] }] })),
      /not an az backup/,
    );
  });
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
