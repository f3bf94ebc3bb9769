/** The Azure drill's output predicates and the writer analysis, on recorded outputs (pure). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parametersFor } from "../../../../infra/parameters.js";
import {
  metricMaximum,
  nonTlsRefused,
  parameterMatches,
  pgbenchP95Ms,
  serverVersion,
} from "../../../../drill/azure/predicates.js";
import { analyzeWrites } from "../../../../drill/azure/writes.js";

const ok = (stdout: string, code = 0, stderr = "") => ({ code, stdout, stderr });

describe("predicates", () => {
  it("parameters compare case-insensitively, sets as sets; another value fails", () => {
    const [rst] = parametersFor("azure").filter((p) => p.name === "require_secure_transport");
    const ext = parametersFor("azure").find((p) => p.name === "azure.extensions");
    assert.ok(rst && ext);
    assert.equal(parameterMatches(rst, ok("ON\n")), undefined);
    assert.match(parameterMatches(rst, ok("OFF\n")) ?? "", /declared on, server has "OFF"/);
    assert.equal(parameterMatches(ext, ok(ext.value.split(",").reverse().join(", ").toUpperCase())), undefined);
    assert.match(parameterMatches(ext, ok("amcheck")) ?? "", /server has "amcheck"/);
    assert.match(parameterMatches(rst, ok("", 3, "ERROR: (ResourceNotFound)")) ?? "", /exited 3: ERROR/);
  });

  it("the non-TLS refusal must name the missing encryption (PostgreSQL 15 and before 14)", () => {
    const hba = (tail: string) => `FATAL:  no pg_hba.conf entry for host "10.0.1.7", user "a", database "d", ${tail}`;
    assert.equal(nonTlsRefused(ok("", 2, hba("no encryption"))), undefined);
    assert.equal(nonTlsRefused(ok("", 2, hba("SSL off"))), undefined);
    const reject =
      'FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "postgres", database "d", no encryption';
    assert.equal(nonTlsRefused(ok("", 2, reject)), undefined);
    assert.match(nonTlsRefused(ok("1")) ?? "", /was accepted/);
    assert.match(nonTlsRefused(ok("", 2, 'password authentication failed for user "a"')) ?? "", /not for missing TLS/);
  });

  it("the metric maximum skips intervals without data and is undefined without any", () => {
    const doc = (data: object[]) => JSON.stringify({ value: [{ timeseries: [{ data }] }] });
    assert.equal(metricMaximum(doc([{ maximum: 1 }, {}, { maximum: 4.9 }])), 4.9);
    assert.equal(metricMaximum(doc([{}, { average: 3 }])), undefined);
    assert.equal(metricMaximum("not json"), undefined);
  });

  it("versions and pgbench percentiles are read from their outputs", () => {
    assert.equal(serverVersion(" PostgreSQL 15.8 on x86_64-pc-linux-gnu"), "15.8");
    assert.equal(serverVersion("garbage"), undefined);
    const log = Array.from({ length: 100 }, (_, i) => `0 ${i} ${(i + 1) * 1000} 0 1796000000 ${i}`).join("\n");
    assert.equal(pgbenchP95Ms(log), 95);
    assert.equal(pgbenchP95Ms("no log"), undefined);
  });
});

describe("writer analysis", () => {
  const rows = "1|100.0|00000001|10.0.2.4\n2|100.5|00000001|10.0.2.4\n4|112.25|00000002|10.0.2.5\n";
  it("RTO from the rows' own clocks across the timeline change; lost = acknowledged but absent", () => {
    const a = analyzeWrites("ack 0\nack 1\nack 2\nack 4\n", rows);
    assert.deepEqual(
      { rto: a.rtoSeconds, lost: a.lostAcknowledgedWrites, acked: a.acknowledged, control: a.controlDetected },
      { rto: 11.75, lost: 0, acked: 3, control: true },
    );
    assert.deepEqual(a.servers, ["10.0.2.4", "10.0.2.5"]);
    assert.equal(analyzeWrites("ack 1\nack 2\nack 3\nack 4\n", rows).lostAcknowledgedWrites, 1);
    assert.equal(analyzeWrites("ack 1\n", "1|100.0|00000001|x\n").rtoSeconds, undefined);
    assert.throws(() => analyzeWrites("", "1|x|tl|y\n"), /not a write row/);
  });
});
