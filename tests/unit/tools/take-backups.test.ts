// The deploy step that takes the preview's on-demand backups: reads only az backup commands, refuses anything else and a
// preview without its backups list (negative controls). Its command line (--dry-run, exit codes): tests/cli/take-backups.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backupsOf } from "../../../tools/take-backups.js";
import { PREVIEW_BACKUP as backup } from "../../support/fixtures/take-backups/backup.js";

describe("take-backups", () => {
  it("reads the preview's backups", () => assert.deepEqual(backupsOf(JSON.stringify({ backups: [backup] })), [backup]));
  it("refuses a preview without a backups list and a command that is not an az backup (negative controls)", () => {
    assert.throws(() => backupsOf(JSON.stringify({ changes: [] })), /no backups list/);
    assert.throws(
      () => backupsOf(JSON.stringify({ backups: [{ ...backup, command: ["rm", "-rf", "/"] }] })),
      /not an az backup/,
    );
  });
});
