/**
 * The pack against the real program under mocks: prod has no mandatory violation, and mutations of the captured prod
 * resources yield the expected ones. One offline run serves every case; each deliberately broken prod *configuration*
 * is run once, end to end through the plan CLI, in tests/cli/plan.test.ts ("exits 1 on a mandatory violation").
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicies } from "../../../policy/evaluate.js";
import { runStackFile } from "../../../tools/offline.js";

let prod: Promise<Awaited<ReturnType<typeof runStackFile>>> | undefined;
/** One offline run of the committed prod stack, shared by every case here. */
const prodRun = () => (prod ??= runStackFile("prod"));

describe("policy pack against the prod stack", () => {
  it("prod has no mandatory violation", async () => {
    const run = await prodRun();
    const mandatory = evaluatePolicies(run.resources, { environment: "prod" }).filter(
      (v) => v.enforcement === "mandatory",
    );
    assert.deepEqual(
      mandatory.map((v) => `${v.policy}: ${v.message}`),
      [],
    );
  });

  it("public access, TLS 1.0 and an allow-all firewall rule on the captured prod resources", async () => {
    const run = await prodRun();
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
