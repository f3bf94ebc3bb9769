/** Each daily-check predicate on recorded az output: passing on the healthy recording, failing on a bad value. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  checkAlerts,
  checkBackup,
  checkDefender,
  checkReplicaLag,
  checkReplicas,
  checkSecrets,
  checkServer,
  resultTable,
} from "../../../../tools/ops/checks.js";

const load = (set: "healthy" | "failing", file: string): any =>
  JSON.parse(readFileSync(`tests/support/fixtures/az/${set}/${file}`, "utf8"));
const NOW = new Date("2026-12-02T06:00:00Z");
const RG_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phonebill-prod";
const PRIMARY = "phonebill-auth-postgresql-prod";
const REPLICAS = [`${PRIMARY}-krs`, `${PRIMARY}-krc`];
const SECRETS = ["postgres-administrator-password", "postgres-application-password", "postgres-monitoring-password"];
const verdicts = (rs: { verdict: string }[]) => rs.map((r) => r.verdict);

describe("server and HA state", () => {
  it("passes a Ready primary with a Healthy standby", () =>
    assert.deepEqual(verdicts(checkServer(load("healthy", "server-show.json"), PRIMARY, true)), ["PASS", "PASS"]));
  it("fails while the standby is failing over", () => {
    const [, ha] = checkServer(load("failing", "server-show.json"), PRIMARY, true);
    assert.equal(ha.verdict, "FAIL");
    assert.equal(ha.observed, "FailingOver (ZoneRedundant)");
  });
  it("fails a stopped server, and reads the ARM (properties) shape too", () => {
    const [state] = checkServer({ properties: { state: "Stopped" } }, PRIMARY, false);
    assert.deepEqual([state.verdict, state.observed], ["FAIL", "Stopped"]);
  });
  it("does not ask for HA where config has none", () =>
    assert.equal(checkServer(load("healthy", "server-show.json"), PRIMARY, false).length, 1));
});

describe("replicas", () => {
  it("passes every replica Ready and Active", () =>
    assert.deepEqual(verdicts(checkReplicas(load("healthy", "replica-list.json"), REPLICAS)), ["PASS", "PASS"]));
  it("fails a broken replication and a replica the primary does not list", () => {
    const rs = checkReplicas(load("failing", "replica-list.json"), [...REPLICAS, `${PRIMARY}-ghost`]);
    assert.deepEqual(verdicts(rs), ["FAIL", "PASS", "FAIL"]);
    assert.equal(rs[0].observed, "Ready, replication Broken");
    assert.equal(rs[2].observed, "not listed by the primary");
  });
});

describe("replica lag", () => {
  it("passes a maximum under the alert threshold", () => {
    const r = checkReplicaLag(load("healthy", "metrics-phonebill-auth-postgresql-prod-krs.json"), REPLICAS[0], 5);
    assert.deepEqual([r.verdict, r.observed], ["PASS", "max 0.8 s"]);
  });
  it("fails a maximum at or above it, and no data at all", () => {
    assert.equal(
      checkReplicaLag(load("failing", "metrics-phonebill-auth-postgresql-prod-krs.json"), REPLICAS[0], 5).verdict,
      "FAIL",
    );
    const empty = checkReplicaLag(
      { value: [{ name: { value: "physical_replication_delay_in_seconds" }, timeseries: [] }] },
      REPLICAS[0],
      5,
    );
    assert.deepEqual([empty.verdict, empty.observed], ["FAIL", "no data points"]);
  });
});

describe("last backup", () => {
  it("passes the newest backup 6.3 h old", () => {
    const r = checkBackup(load("healthy", "backup-list.json"), PRIMARY, NOW, 26);
    assert.deepEqual([r.verdict, r.observed], ["PASS", "2026-12-01T23:40:05.654Z (6.3 h)"]);
  });
  it("fails a backup 42 h old and a server with none", () => {
    assert.equal(checkBackup(load("failing", "backup-list.json"), PRIMARY, NOW, 26).verdict, "FAIL");
    assert.equal(checkBackup([], PRIMARY, NOW, 26).observed, "no completed backup");
  });
});

describe("alerts of the last 24 h", () => {
  it("passes resolved alerts and ignores other resource groups' firing ones", () => {
    const r = checkAlerts(load("healthy", "alerts.json"), "rg-phonebill-prod");
    assert.equal(r.verdict, "PASS");
    assert.match(r.observed, /1 fired \(phonebill-auth-postgresql-prod-storage-high Sev2 Resolved\)/);
  });
  it("fails a Sev1 still firing", () =>
    assert.equal(checkAlerts(load("failing", "alerts.json"), "rg-phonebill-prod").verdict, "FAIL"));
});

describe("Defender recommendations", () => {
  it("passes when only other resource groups have Unhealthy assessments", () =>
    assert.equal(checkDefender(load("healthy", "assessments.json"), RG_ID).verdict, "PASS"));
  it("fails an Unhealthy assessment in the stack's resource group, naming it", () => {
    const r = checkDefender(load("failing", "assessments.json"), RG_ID);
    assert.deepEqual([r.verdict, r.observed], ["FAIL", "Key vaults should have deletion protection enabled"]);
  });
});

describe("Key Vault secret expiry", () => {
  it("passes secrets expiring between two weeks and the rotation period from now", () =>
    assert.deepEqual(verdicts(checkSecrets(load("healthy", "secrets.json"), SECRETS, NOW, 14, 90)), [
      "PASS",
      "PASS",
      "PASS",
    ]));
  it("fails a secret expiring within two weeks and a missing one", () => {
    const rs = checkSecrets(load("failing", "secrets.json"), SECRETS, NOW, 14, 90);
    assert.deepEqual(verdicts(rs), ["PASS", "FAIL", "FAIL"]);
    assert.equal(rs[1].observed, "2026-12-05 (2.8 days)");
    assert.equal(rs[2].observed, "missing from the vault");
  });
  it("fails a secret without expiry, a disabled one, and one expiring after the rotation period", () => {
    const far = Math.floor(Date.parse("2027-12-01") / 1000);
    const rs = checkSecrets(
      {
        value: [
          { name: "a", properties: { attributes: { enabled: true } } },
          { name: "b", properties: { attributes: { enabled: false, exp: far } } },
          { name: "c", properties: { attributes: { enabled: true, exp: far } } },
        ],
      },
      ["a", "b", "c"],
      NOW,
      14,
      90,
    );
    assert.deepEqual(
      rs.map((r) => r.observed),
      ["no expiry set", "disabled", "2027-12-01 (363.8 days)"],
    );
    assert.deepEqual(verdicts(rs), ["FAIL", "FAIL", "FAIL"]);
  });
  it("never prints a secret value, even when one is in the input", () => {
    const rs = checkSecrets(
      { value: [{ name: "a", properties: { value: "hunter2-SECRET", attributes: { exp: 1 } } }] },
      ["a"],
      NOW,
      14,
      90,
    );
    assert.ok(!resultTable(rs).includes("hunter2"));
  });
});

describe("result table", () => {
  it("aligns one row per check under a header", () => {
    const t = resultTable(checkServer(load("healthy", "server-show.json"), PRIMARY, true)).split("\n");
    assert.match(t[0], /^CHECK\s+SUBJECT\s+TARGET\s+OBSERVED\s+RESULT$/);
    assert.equal(t.length, 4);
    assert.match(t[3], /HA state .* PASS$/);
  });
});
