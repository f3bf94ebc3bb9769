// The whole prod program before and after a switchover to Korea South (platform.primaryRegion, D72): the alert pack
// follows the roles, nothing else changes its identity.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { evaluatePolicies } from "../../../policy/evaluate.js";
import { type OfflineRun, readStackFile, runOffline } from "../../../tools/offline.js";

const P = "phonebill-auth-postgresql-prod";
const KRS = `${P}-krs`;

async function prod(primaryRegion?: string): Promise<OfflineRun> {
  const { config, secretKeys } = readStackFile("Pulumi.prod.yaml");
  const platform = structuredClone(config["authdb:platform"]) as Record<string, unknown>;
  if (primaryRegion) platform.primaryRegion = primaryRegion;
  return runOffline({
    stack: "prod",
    config: { ...config, "authdb:platform": platform, "authdb:teamsWebhookUrl": "https://example.invalid/hook" },
    secretKeys: [...secretKeys, "authdb:teamsWebhookUrl"],
  });
}

const alertNames = (r: OfflineRun) =>
  r.resources.filter((x) => x.type === "azure-native:monitor:MetricAlert").map((x) => x.name);

describe("prod after a switchover to Korea South", () => {
  let before_: OfflineRun;
  let after: OfflineRun;
  before(async () => {
    before_ = await prod();
    after = await prod("koreasouth");
  });

  it("moves the replica-only alert (replication lag) to the demoted primary, and the primary-only ones to Korea South", () => {
    assert.ok(alertNames(before_).includes(`monitoring-${KRS}-replica-lag`));
    assert.ok(!alertNames(before_).includes(`monitoring-${P}-replica-lag`));
    assert.ok(alertNames(after).includes(`monitoring-${P}-replica-lag`));
    assert.ok(!alertNames(after).includes(`monitoring-${KRS}-replica-lag`));
    for (const suffix of ["failed-connections", "disk-iops-high"]) {
      assert.ok(alertNames(before_).includes(`monitoring-${P}-${suffix}`), suffix);
      assert.ok(alertNames(after).includes(`monitoring-${KRS}-${suffix}`), suffix);
      assert.ok(!alertNames(after).includes(`monitoring-${P}-${suffix}`), suffix);
    }
  });

  it("keeps every protected (stateful) resource's URN, and adds or drops only alert rules", () => {
    const protectedUrns = (r: OfflineRun) =>
      r.resources
        .filter((x) => x.protect)
        .map((x) => x.urn)
        .sort();
    assert.deepEqual(protectedUrns(after), protectedUrns(before_));
    const urns = (r: OfflineRun) => new Set(r.resources.map((x) => x.urn));
    const a = urns(after);
    const b = urns(before_);
    const changed = [...a].filter((u) => !b.has(u)).concat([...b].filter((u) => !a.has(u)));
    assert.ok(changed.length > 0, "negative control: the alert pack must change");
    for (const u of changed)
      assert.match(u, /azure-native:monitor:(MetricAlert|ScheduledQueryRule)::/, `unexpected change ${u}`);
  });

  it("publishes the same host names to applications", () => {
    for (const key of ["writerFqdn", "readerFqdn", "jdbcUrl"])
      assert.equal(after.outputs[key], before_.outputs[key], key);
  });

  it("passes the policy pack: HA and the replication-lag alert are judged on today's roles", () => {
    const mandatory = (r: OfflineRun) =>
      evaluatePolicies(r.resources, { environment: "prod" })
        .filter((v) => v.enforcement === "mandatory")
        .map((v) => `${v.policy}: ${v.message}`);
    assert.deepEqual(mandatory(after), []);
    // Negative control: without the servers component's declaration of today's primary, the rules fall back to the
    // configured roles and block the converging `pulumi up` (the demoted primary has HA Disabled and no lag alert).
    const undeclared = after.resources.map((x) =>
      x.type === "authdb:azure:PostgresServers" ? { ...x, rawInputs: {}, inputs: {} } : x,
    );
    const blocked = mandatory({ ...after, resources: undeclared });
    assert.ok(
      blocked.some((m) => m.startsWith("postgres-enable-zone-redundant-ha:") && m.includes(P)),
      blocked.join("\n"),
    );
    assert.ok(
      blocked.some((m) => m.startsWith("monitoring-require-server-alerts:")),
      blocked.join("\n"),
    );
  });
});
