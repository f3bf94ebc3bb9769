// The bootstrap driver's verifier filter (infra/bootstrap.ts readVerifierCommand), run for real by /bin/sh as psql's
// backticks run it: a verifier passes through, anything else — a cleartext password above all — becomes an empty value
// that never reaches the server. It is here, not in the unit tier, because it starts processes; the driver against a
// real server: tests/integration/sql/bootstrap.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readVerifierCommand } from "../../infra/bootstrap.js";
import { scramVerifier } from "../../infra/scram.js";

const dir = mkdtempSync(join(tmpdir(), "authdb-verifier-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const through = (content: string) => {
  const file = join(dir, "v");
  writeFileSync(file, content);
  return execFileSync("/bin/sh", ["-c", readVerifierCommand(file)], { encoding: "utf8" }).trim();
};

describe("readVerifierCommand", () => {
  it("passes a SCRAM-SHA-256 verifier through unchanged", () => {
    const v = scramVerifier("Ab3-_.~!*+,^xyzXYZ0123456789abcd");
    assert.equal(through(`${v}\n`), v);
  });
  it("yields nothing for a cleartext password, a truncated verifier or extra lines", () => {
    assert.equal(through("Ab3-_.~!*+,^xyzXYZ0123456789abcd\n"), "");
    assert.equal(through("SCRAM-SHA-256$4096:abc\n"), "");
    assert.equal(through(`md5${"0".repeat(32)}\n`), "");
  });
});
