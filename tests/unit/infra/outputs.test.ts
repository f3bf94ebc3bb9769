// The stack-output contract holds for every stack: same names, same types, same secretness (docs/outputs.md).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { OUTPUT_CONTRACT, contractViolations } from "../../../infra/outputs.js";
import { type OfflineRun, runStackFile } from "../../../tools/offline.js";

describe("output contract", () => {
  const runs: Record<string, OfflineRun> = {};
  before(async () => {
    for (const stack of ["prod", "dev", "local"]) runs[stack] = await runStackFile(stack);
  });

  const required = Object.keys(OUTPUT_CONTRACT).filter((k) => k !== "applicationPassword");
  for (const stack of ["prod", "dev", "local"]) {
    it(`${stack} exports exactly the contract`, () => {
      assert.deepEqual(contractViolations(runs[stack].outputs, runs[stack].secretOutputs), []);
      // The password is an output only where the stack opts in (the local twin); on Azure consumers read Key Vault.
      const expected = stack === "local" ? Object.keys(OUTPUT_CONTRACT) : required;
      assert.deepEqual(Object.keys(runs[stack].outputs).sort(), expected.sort());
    });
  }

  it("detects a broken contract: a missing name, a wrong type, a leaked secret, an extra name", () => {
    const { jdbcUrl: _dropped, ...rest } = runs.prod.outputs;
    assert.deepEqual(contractViolations(rest, runs.prod.secretOutputs), ["jdbcUrl: missing"]);
    assert.deepEqual(contractViolations({ ...runs.prod.outputs, port: "5432" }, runs.prod.secretOutputs), [
      'port: "5432" is not a number',
    ]);
    assert.deepEqual(contractViolations(runs.local.outputs, []), [
      "applicationPassword: not secret, contract says secret",
    ]);
    assert.deepEqual(contractViolations({ ...runs.prod.outputs, extra: "x" }, runs.prod.secretOutputs), [
      "extra: not in the contract",
    ]);
  });

  it("points applications at the right places", () => {
    const prod = runs.prod.outputs as Record<string, any>;
    // Writes and reads go to the virtual endpoints (D70); each server's own name stays available.
    assert.equal(prod.writerFqdn, "phonebill-auth-prod.writer.postgres.database.azure.com");
    assert.equal(prod.readerFqdn, "phonebill-auth-prod.reader.postgres.database.azure.com");
    assert.equal(prod.primaryFqdn, "phonebill-auth-postgresql-prod.postgres.database.azure.com");
    assert.deepEqual(Object.keys(prod.replicaFqdns).sort(), ["koreacentral", "koreasouth"]);
    assert.equal(prod.sslMode, "verify-full");
    assert.match(prod.caCertificates, /^# Root CAs[\s\S]*-----BEGIN CERTIFICATE-----/);
    assert.equal(
      prod.jdbcUrl,
      "jdbc:postgresql://phonebill-auth-prod.writer.postgres.database.azure.com:5432/phonebill_auth?sslmode=verify-full",
    );
    assert.equal(prod.applicationPassword, undefined, "no password is a stack output on Azure");
    assert.equal(runs.local.outputs.applicationPassword, "[secret]");
    const local = runs.local.outputs as Record<string, any>;
    assert.equal(local.databaseName, prod.databaseName);
    assert.equal(local.applicationLogin, prod.applicationLogin);
    assert.equal(local.writerFqdn, local.primaryFqdn, "the twin has no endpoints: writes go to the primary container");
    assert.equal(local.readerFqdn, local.replicaFqdns.local);
  });
});
