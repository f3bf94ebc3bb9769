/**
 * The pack against the real program under mocks: prod has no mandatory violation, and each deliberately broken prod
 * configuration yields the expected one. Runs the stack sequentially in this one process (runOffline re-arms the mocks).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { evaluatePolicies } from "../../../policy/evaluate.js";
import { runStackFile } from "../../../tools/offline.js";

type Platform = Record<string, any>;

async function prodWith(change: (platform: Platform) => void) {
  const doc = parse(readFileSync("Pulumi.prod.yaml", "utf8"));
  change(doc.config["authdb:platform"]);
  const file = join(mkdtempSync(join(tmpdir(), "authdb-policy-")), "Pulumi.prod.yaml");
  writeFileSync(file, stringify(doc));
  const run = await runStackFile("prod", file);
  return evaluatePolicies(run.resources, { environment: "prod" }).filter((v) => v.enforcement === "mandatory");
}

const CONFIG_BREAKS: readonly {
  readonly broken: string;
  readonly change: (p: Platform) => void;
  readonly policy: string;
  readonly expect?: RegExp;
}[] = [
  {
    broken: "HA off",
    change: (p) => void (p.server.highAvailability = { mode: "Disabled" }),
    policy: "postgres-enable-zone-redundant-ha",
  },
  {
    broken: "geo backup off",
    change: (p) => void (p.server.backup.geoRedundant = false),
    policy: "postgres-enable-geo-redundant-backup",
  },
  {
    broken: "retention 7 days",
    change: (p) => void (p.server.backup.retentionDays = 7),
    policy: "postgres-configure-backup-retention",
  },
  {
    broken: "purge protection off",
    change: (p) => void (p.keyVault.purgeProtection = false),
    policy: "keyvault-enable-purge-protection",
  },
  {
    broken: "no delete lock",
    change: (p) => void (p.server.deleteLock = false),
    policy: "postgres-require-deletion-protection",
  },
  {
    broken: "server-down alert disabled",
    change: (p) => void (p.monitoring.alerts.serverDown.enabled = false),
    policy: "monitoring-require-server-alerts",
    expect: /down \(is_db_alive\)/,
  },
];

describe("policy pack against the prod stack", () => {
  it("prod has no mandatory violation", async () => {
    const mandatory = await prodWith(() => {});
    assert.deepEqual(
      mandatory.map((v) => `${v.policy}: ${v.message}`),
      [],
    );
  });

  for (const c of CONFIG_BREAKS) {
    it(`${c.broken} → ${c.policy}`, async () => {
      const mandatory = await prodWith(c.change);
      assert.ok(
        mandatory.some((v) => v.policy === c.policy && (c.expect?.test(v.message) ?? true)),
        mandatory.map((v) => `${v.policy}: ${v.message}`).join("\n") || "no mandatory violation",
      );
    });
  }

  it("public access, TLS 1.0 and an allow-all firewall rule on the captured prod resources", async () => {
    const run = await runStackFile("prod");
    const resources = run.resources.map((r) => {
      const raw = structuredClone(r.rawInputs) as Record<string, any>;
      if (r.type === "azure-native:dbforpostgresql:Server" && raw.createMode !== "Replica")
        raw.network = { ...raw.network, publicNetworkAccess: "Enabled" };
      if (
        r.type === "azure-native:dbforpostgresql:Configuration" &&
        raw.configurationName === "ssl_min_protocol_version"
      )
        raw.value = "TLSv1";
      return { ...r, rawInputs: raw };
    });
    const server = resources.find(
      (r) => r.type === "azure-native:dbforpostgresql:Server" && r.rawInputs.createMode !== "Replica",
    )!;
    const firewall = {
      ...server,
      urn: server.urn
        .replace(/::[^:]+$/, "::allow-all")
        .replace("dbforpostgresql:Server", "dbforpostgresql:FirewallRule"),
      type: "azure-native:dbforpostgresql:FirewallRule",
      name: "allow-all",
      dependsOn: [server.urn],
      protect: false,
      ignoreChanges: [],
      secretInputs: [],
      rawInputs: {
        resourceGroupName: server.rawInputs.resourceGroupName,
        serverName: server.rawInputs.serverName,
        firewallRuleName: "all",
        startIpAddress: "0.0.0.0",
        endIpAddress: "255.255.255.255",
      },
    };
    const policies = new Set(
      evaluatePolicies([...resources, firewall], { environment: "prod" })
        .filter((v) => v.enforcement === "mandatory")
        .map((v) => v.policy),
    );
    for (const p of [
      "postgres-disallow-public-network-access",
      "postgres-require-minimum-tls-version",
      "postgres-disallow-broad-firewall-range",
    ]) {
      assert.ok(policies.has(p), p);
    }
  });
});
