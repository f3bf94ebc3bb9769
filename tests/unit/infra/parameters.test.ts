// The declared parameter set against Microsoft's parameter reference: every value is one Azure lists (in its spelling),
// every entry cites the reference row it rests on, and a value outside the list fails (negative controls).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DECLARED_PARAMETERS,
  RECOVERY_SENSITIVE_PARAMETERS,
  allowedValueProblem,
  declaredParameters,
  parametersFor,
  replicaParameters,
} from "../../../infra/parameters.js";

const every = [
  ...declaredParameters(),
  ...declaredParameters({ maxConnections: 25, queryStore: false, pgBouncer: true }),
  ...declaredParameters({ maxConnections: 5000, queryStore: true, pgBouncer: false }),
];

describe("declared parameters against the PostgreSQL 15 reference", () => {
  for (const p of every) {
    it(`${p.name}=${p.value} is among Azure's allowed values`, () =>
      assert.equal(allowedValueProblem(p, p.value), undefined));
  }

  it("cites a source for every entry", () => {
    for (const p of every) {
      assert.ok(p.source.ref.length > 0 && p.source.quote.length > 0, p.name);
      const typeSource = p.staticPer ?? p.source;
      assert.match(
        typeSource.quote,
        p.requiresRestart ? /static/i : /dynamic|no need to restart/,
        `${p.name}'s source states its type`,
      );
    }
  });

  it("refuses the spellings Azure does not list (negative controls)", () => {
    const byName = Object.fromEntries(DECLARED_PARAMETERS.map((p) => [p.name, p]));
    assert.match(allowedValueProblem(byName.log_checkpoints, "ON") ?? "", /not one of on, off/);
    assert.match(allowedValueProblem(byName["pg_qs.query_capture_mode"], "TOP") ?? "", /not one of/);
    assert.match(allowedValueProblem(byName["pgaudit.log"], "ROLE,DDL,MISC") ?? "", /ROLE, DDL, MISC not among/);
    assert.match(allowedValueProblem(byName["pgaudit.log"], "all,-misc") ?? "", /-misc not among/);
    assert.match(allowedValueProblem(byName["azure.extensions"], "PGAUDIT") ?? "", /PGAUDIT not among/);
    assert.match(allowedValueProblem(byName.max_connections, "10") ?? "", /25–5000/);
    assert.match(allowedValueProblem(byName["logfiles.retention_days"], "30") ?? "", /1–7/);
    assert.match(allowedValueProblem(byName.log_line_prefix, "it's") ?? "", /does not match/);
  });

  it("keeps the static set to the parameters the reference calls static", () => {
    const staticNames = DECLARED_PARAMETERS.filter((p) => p.requiresRestart).map((p) => p.name);
    assert.deepEqual(staticNames, ["max_connections", "shared_preload_libraries", "pg_qs.interval_length_minutes"]);
  });

  it("enables log capture wherever retention is set, and never logs statements or bind parameters", () => {
    const v = Object.fromEntries(parametersFor("azure").map((p) => [p.name, p.value]));
    assert.equal(v["logfiles.download_enable"], "on");
    assert.equal(v.log_statement, "none");
    assert.equal(v["pgaudit.log_parameter"], "off");
  });

  it("turns Query Store off on Burstable and sets PgBouncer only when asked", () => {
    const burstable = Object.fromEntries(
      declaredParameters({ maxConnections: 100, queryStore: false, pgBouncer: false }).map((p) => [p.name, p.value]),
    );
    assert.equal(burstable["pg_qs.query_capture_mode"], "none");
    // Wait sampling has no effect without Query Store (concepts-query-store), so it follows it.
    assert.equal(burstable["pgms_wait_sampling.query_capture_mode"], "none");
    const general = Object.fromEntries(parametersFor("azure").map((p) => [p.name, p.value]));
    assert.equal(general["pgms_wait_sampling.query_capture_mode"], "all");
    assert.ok(!("pgbouncer.enabled" in burstable));
    const pooled = declaredParameters({ maxConnections: 100, queryStore: true, pgBouncer: true });
    assert.equal(pooled.find((p) => p.name === "pgbouncer.enabled")?.value, "true");
  });

  it("gives replicas the whole Azure set, and names Query Store as the part a replica ignores until promoted", () => {
    assert.deepEqual(
      replicaParameters().map((p) => p.name),
      parametersFor("azure").map((p) => p.name),
    );
    assert.deepEqual(
      replicaParameters()
        .filter((p) => p.ignoredOnReplicas)
        .map((p) => p.name),
      ["pg_qs.query_capture_mode", "pg_qs.interval_length_minutes", "pgms_wait_sampling.query_capture_mode"],
    );
    assert.ok(RECOVERY_SENSITIVE_PARAMETERS.includes("max_connections"));
  });
});
