// `npm run ops:check` with a fake `az` on PATH serving recorded output: the table, the exit codes, no secret asked for.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const dir = mkdtempSync(join(tmpdir(), "authdb-ops-"));
const FAKE = resolve("tests/support/fake-az");
const FIXTURES = resolve("tests/support/fixtures/az");

function opsCheck(args: string[], env: Record<string, string> = {}) {
  const log = join(dir, `az-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", "tsx", "tools/ops-check.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${FAKE}:${process.env.PATH}`, FAKE_AZ_LOG: log, ...env },
  });
  const calls = readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}
const NOW = ["--now", "2026-12-02T06:00:00Z"];

describe("npm run ops:check -- --stack prod (fake az)", () => {
  it("prints the table and exits 0 when every check passes", () => {
    const r = opsCheck(["--stack", "prod", ...NOW], { FAKE_AZ_DIR: join(FIXTURES, "healthy") });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^authdb daily check — stack prod, 2026-12-02T06:00:00\.000Z\nCHECK +SUBJECT +TARGET +OBSERVED +RESULT\n/,
    );
    for (const check of [
      "server state",
      "HA state",
      "replica state",
      "replica lag",
      "last backup",
      "alerts, last 24 h",
      "Defender recommendations",
      "secret expiry",
    ])
      assert.match(r.stdout, new RegExp(`\\n${check} .* PASS\\n`), check);
    assert.match(r.stdout, /all 12 checks passed/);
  });

  it("exits 1 and marks each bad value FAIL", () => {
    const r = opsCheck(["--stack", "prod", ...NOW], {
      FAKE_AZ_DIR: join(FIXTURES, "failing"),
      FAKE_AZ_FALLBACK_DIR: join(FIXTURES, "healthy"),
    });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /HA state .*FailingOver \(ZoneRedundant\) +FAIL/);
    assert.match(r.stdout, /replica lag +phonebill-auth-postgresql-prod-krs .*max 12\.5 s +FAIL/);
    assert.match(r.stdout, /8 of 12 checks failed/);
  });

  it("fails the check whose az call fails, and goes on with the others", () => {
    const partial = mkdtempSync(join(tmpdir(), "authdb-ops-partial-"));
    for (const f of ["account.json", "server-show.json"])
      writeFileSync(join(partial, f), readFileSync(join(FIXTURES, "healthy", f)));
    const r = opsCheck(["--stack", "prod", ...NOW], { FAKE_AZ_DIR: partial });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /server state .* PASS/);
    assert.match(
      r.stdout,
      /last backup .*az postgres flexible-server backup list exited 1: ERROR: \(ResourceNotFound\)/,
    );
  });

  it("asks az for no secret value: vault reads are the ARM secrets list only", () => {
    const r = opsCheck(["--stack", "prod", ...NOW], { FAKE_AZ_DIR: join(FIXTURES, "healthy") });
    const flat = r.calls.map((c) => c.join(" "));
    assert.ok(flat.some((c) => c.includes("Microsoft.KeyVault/vaults/kv-phonebill-auth-prod/secrets?api-version")));
    assert.ok(!flat.some((c) => /^keyvault secret (show|download)/.test(c) || c.includes("--query value")));
    assert.equal(r.calls.length, 9, "account, server, replicas, 2 × lag, backups, alerts, assessments, secrets");
  });

  it("exits 2 on bad usage and on a stack that is not on Azure", () => {
    assert.equal(opsCheck([]).status, 2);
    assert.equal(opsCheck(["--stack", "prod", "--frobnicate"]).status, 2);
    assert.equal(opsCheck(["--stack", "local"]).status, 2);
    assert.equal(opsCheck(["--stack", "prod", "--now", "yesterday"]).status, 2);
  });
});
