// The offline plan as a newcomer and CI run it: exit codes, JSON shape, determinism, secret redaction.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { stringify } from "yaml";
import { MOCK_SECRET_MARKER, readStackFile } from "../../tools/offline.js";

const dir = mkdtempSync(join(tmpdir(), "authdb-plan-"));

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "tools/plan.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a stack file whose platform is prod's with a mutation applied. */
function mutatedProd(file: string, mutate: (platform: any) => void): string {
  const { config } = readStackFile("Pulumi.prod.yaml");
  const platform = structuredClone(config["authdb:platform"]);
  mutate(platform);
  const path = join(dir, file);
  writeFileSync(path, stringify({ config: { ...config, "authdb:platform": platform } }));
  return path;
}

describe("npm run plan -- --stack prod", () => {
  let first: ReturnType<typeof plan>;
  let jsonA: string;
  let jsonB: string;
  before(() => {
    first = plan("--stack", "prod", "--json", join(dir, "a.json"));
    plan("--stack", "prod", "--json", join(dir, "b.json"), "--quiet");
    jsonA = readFileSync(join(dir, "a.json"), "utf8");
    jsonB = readFileSync(join(dir, "b.json"), "utf8");
  });

  it("exits 0 and prints the tree grouped by component with a count by type", () => {
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^authdb plan — stack prod/);
    // The composition sits under the Platform component (D80).
    assert.match(first.stdout, /\n {2}- platform {2}\[authdb:index:Platform \(component\)\]/);
    assert.match(first.stdout, /\n {4}- postgres {2}\[authdb:azure:PostgresServers \(component\)\]/);
    assert.match(
      first.stdout,
      /\n {6}- postgres-primary {2}\[azure-native:dbforpostgresql:Server\].*HA ZoneRedundant standby zone 2/,
    );
    assert.match(first.stdout, /Resources by type \(\d+ in all\):\n\s+\d+ {2}azure-native:/);
    assert.match(first.stdout, /Policy: 0 mandatory/);
  });

  it("shows the alert pack per server", () => {
    const pack = first.stdout.slice(first.stdout.indexOf("Alert pack per server:"), first.stdout.indexOf("\nOutputs:"));
    assert.match(
      pack,
      /\n {2}phonebill-auth-postgresql-prod:\n(.*\n)*? {4}- phonebill-auth-postgresql-prod-cpu-high, cpu_percent Average GreaterThan 90/,
    );
    assert.match(
      pack,
      /\n {2}phonebill-auth-postgresql-prod-krs:\n(.*\n)*? {4}- phonebill-auth-postgresql-prod-krs-replica-lag, physical_replication_delay_in_seconds Maximum GreaterThan 5/,
    );
    assert.doesNotMatch(
      pack.slice(pack.indexOf("prod-krs:")),
      /connections_failed|disk_iops_consumed/,
      "replicas carry no primary-only alert",
    );
  });

  it("writes exactly the documented JSON shape", () => {
    const doc = JSON.parse(jsonA);
    // The original fields in their original order; `cost` was added after them (readers of the old shape still work).
    assert.deepEqual(Object.keys(doc), ["project", "stack", "resources", "outputs", "violations", "cost"]);
    assert.equal(doc.project, "authdb");
    assert.equal(doc.stack, "prod");
    for (const r of doc.resources) {
      assert.deepEqual(Object.keys(r), [
        "urn",
        "type",
        "name",
        "parent",
        "dependsOn",
        "protect",
        "ignoreChanges",
        "inputs",
        "custom",
        "retainOnDelete",
        "deleteBeforeReplace",
        "replaceOnChanges",
        "propertyDependencies",
        "aliasUrns",
      ]);
      assert.ok(r.urn.startsWith("urn:pulumi:prod::authdb::"));
      assert.ok(
        r.parent === null || doc.resources.some((p: any) => p.urn === r.parent),
        `parent of ${r.urn} is a listed resource`,
      );
      for (const d of r.dependsOn)
        assert.ok(
          doc.resources.some((p: any) => p.urn === d),
          `dependency ${d} is a listed resource`,
        );
    }
    const server = doc.resources.find((r: any) => r.name === "postgres-primary");
    assert.equal(server.type, "azure-native:dbforpostgresql:Server");
    assert.equal(server.protect, true);
    assert.equal(server.inputs.administratorLoginPassword, "[secret]");
    assert.ok(Array.isArray(doc.violations));
  });

  it("is byte-identical for the same input", () => assert.equal(jsonA, jsonB));

  it("prints the estimated monthly cost per resource, the unpriced meters and the assumptions", () => {
    const section = first.stdout.slice(
      first.stdout.indexOf("Estimated monthly cost (USD):"),
      first.stdout.indexOf("\nPolicy:"),
    );
    assert.match(
      section,
      /\n {2}postgres-primary {2}\[azure-native:dbforpostgresql:Server\] {2}(unpriced|\$\d)/,
      "the primary has its own entry",
    );
    assert.match(section, /HA standby compute Standard_D4ds_v5: 4 vCores × 730 h: 2,920 vCore-hour/);
    assert.match(
      section,
      /postgres-compute:GeneralPurpose:Ddsv5, koreasouth/,
      "the DR replica is priced in its region",
    );
    assert.match(section, /\n {2}Total: \$\d+\.\d{2} for \d+ of \d+ resources/);
    assert.match(section, /Assumptions \(inputs to the estimate, not measurements\):/);
    const doc = JSON.parse(jsonA);
    assert.deepEqual(Object.keys(doc.cost), [
      "currency",
      "total",
      "priced",
      "unpriced",
      "assumptions",
      "prices",
      "resources",
    ]);
    assert.equal(doc.cost.currency, "USD");
    // The committed table holds no prices until `npm run prices:refresh` runs against the API: every metered
    // resource is then unpriced rather than guessed.
    const committed = JSON.parse(readFileSync("infra/prices.json", "utf8"));
    if (committed.retrievedAt === null) {
      assert.match(section, /Unpriced \(run npm run prices:refresh\):/);
      assert.equal(doc.cost.resources.find((r: any) => r.name === "postgres-primary").monthly, null);
    }
  });

  it("never shows a secret value, in the tree or the JSON", () => {
    for (const text of [first.stdout, first.stderr, jsonA])
      assert.ok(!text.includes(MOCK_SECRET_MARKER), "a mocked secret value leaked");
    assert.match(jsonA, /"\[secret\]"/);
    // No password is a prod output at all (consumers read Key Vault); the secrets that are inputs stay "[secret]".
    assert.equal(JSON.parse(jsonA).outputs.applicationPassword, undefined);
  });
});

describe("exit codes", () => {
  it("exits 2 on invalid config, naming the key on stderr, and prints no plan", () => {
    const r = plan(
      "--stack",
      "prod",
      "--config",
      mutatedProd("bad.yaml", (p) => (p.replicas[1].sku = { name: "Standard_D2s_v3", tier: "GeneralPurpose" })),
    );
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /platform\.replicas\[1\]\.sku: Standard_D2s_v3 is smaller than the primary's Standard_D4ds_v5/,
    );
    assert.match(r.stderr, /Nothing was registered/);
    assert.equal(r.stdout, "");
  });
  it("exits 2 on a provider credential stored in plain text, naming the key and never the value", () => {
    const { config } = readStackFile("Pulumi.prod.yaml");
    const path = join(dir, "plain-secret.yaml");
    writeFileSync(path, stringify({ config: { ...config, "azure-native:clientSecret": "Pl41n-Cl1ent-S3cret-Value" } }));
    const r = plan("--stack", "prod", "--config", path);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /azure-native:clientSecret: \[redacted\] looks like a credential stored in plain text/);
    assert.ok(!r.stderr.includes("Pl41n-Cl1ent-S3cret-Value"));
  });
  it("exits 2 on a read replica of a Burstable primary (the old dev shape), naming the key", () => {
    const r = plan(
      "--stack",
      "prod",
      "--config",
      mutatedProd("burstable.yaml", (p) => {
        p.server.sku = { name: "Standard_B2ms", tier: "Burstable" };
        p.server.highAvailability = { mode: "Disabled" };
      }),
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /platform\.server\.sku\.tier: Burstable cannot have read replicas/);
    assert.equal(r.stdout, "");
  });
  const BROKEN: [string, (p: any) => void, RegExp][] = [
    [
      "HA off",
      (p) => (p.server.highAvailability = { mode: "Disabled" }),
      /\[mandatory\] postgres-enable-zone-redundant-ha: \[H1\]/,
    ],
    [
      "geo backup off",
      (p) => (p.server.backup.geoRedundant = false),
      /\[mandatory\] postgres-enable-geo-redundant-backup: \[B1\]/,
    ],
    [
      "retention below the prod floor",
      (p) => (p.server.backup.retentionDays = 14),
      /\[mandatory\] postgres-configure-backup-retention: \[B2\]/,
    ],
    [
      "purge protection off",
      (p) => (p.keyVault.purgeProtection = false),
      /\[mandatory\] keyvault-enable-purge-protection: \[K1\]/,
    ],
    [
      "missing lock",
      (p) => (p.server.deleteLock = false),
      /\[mandatory\] postgres-require-deletion-protection: \[H3\]/,
    ],
    [
      "a server without its down alert",
      (p) => (p.monitoring.alerts.serverDown.enabled = false),
      /\[mandatory\] monitoring-require-server-alerts: \[M1\]/,
    ],
  ];
  for (const [label, mutate, rule] of BROKEN) {
    it(`exits 1 on a mandatory violation and names the rule: ${label}`, () => {
      const r = plan("--stack", "prod", "--config", mutatedProd(`${label.replace(/\W+/g, "-")}.yaml`, mutate));
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, rule);
    });
  }

  it("exits 3 on a missing stack file or a bad flag", () => {
    assert.equal(plan("--stack", "nosuch").status, 3);
    assert.equal(plan("--stack", "prod", "--frobnicate").status, 3);
    assert.equal(plan().status, 3);
  });
  it("plans dev and local too, with a cost section; local costs $0 and says why", () => {
    const dev = plan("--stack", "dev");
    assert.equal(dev.status, 0);
    assert.match(dev.stdout, /postgres-compute:GeneralPurpose:Ddsv5, koreacentral/);
    const local = plan("--stack", "local", "--json", join(dir, "local.json"));
    assert.equal(local.status, 0);
    assert.match(local.stdout, /Estimated monthly cost \(USD\):\n {2}the local stack runs on the developer's machine/);
    assert.match(local.stdout, /Total: \$0\.00/);
    const cost = JSON.parse(readFileSync(join(dir, "local.json"), "utf8")).cost;
    assert.equal(cost.total, 0);
    assert.deepEqual(cost.unpriced, []);
  });
});
