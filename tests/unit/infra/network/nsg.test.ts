/**
 * NSG semantics of the database subnets, judged by evaluating flows against the rules (Azure's priority order, default
 * rules and service tags), not by counting rules. Uses the prod stack file's network so the addresses are the real ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AZURE_PLATFORM_ADDRESS,
  type EvaluationContext,
  type NsgRule,
  databaseSubnetRules,
  evaluate,
  evaluateInbound,
  nsgRuleProblems,
  privateEndpointSubnetRules,
} from "../../../../infra/network/nsg.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");

const vnets = platform.network.vnets;
const primary = vnets.find((v) => v.region === platform.location)!;
const dr = vnets.find((v) => v.region !== platform.location)!;
const databaseCidrs = vnets.map((v) => v.subnets.database.cidr);
const appCidrs = vnets.flatMap((v) => (v.subnets.app ? [v.subnets.app.cidr] : []));

function rulesFor(v: (typeof vnets)[number]): NsgRule[] {
  return databaseSubnetRules({
    databaseSubnetCidr: v.subnets.database.cidr,
    databaseSubnetCidrs: databaseCidrs,
    applicationSubnetCidrs: appCidrs,
  });
}
/** Peered VNets: each one's VirtualNetwork tag covers its own and the other's address space. */
const ctx: EvaluationContext = { virtualNetworkPrefixes: vnets.map((v) => v.addressSpace) };

/** A host address inside a CIDR (the network address + n). */
function host(cidr: string, n = 4): string {
  const [a, b, c, d] = cidr.split("/")[0].split(".").map(Number);
  return [a, b, c, d + n].join(".");
}

const primaryDb = host(primary.subnets.database.cidr);
const drDb = host(dr.subnets.database.cidr);
const inbound = (
  rules: NsgRule[],
  sourceAddress: string,
  destinationAddress: string,
  destinationPort = 5432,
  protocol: "Tcp" | "Udp" = "Tcp",
) => evaluateInbound(rules, { sourceAddress, destinationAddress, destinationPort, protocol }, ctx);

describe("database subnet NSG (primary region)", () => {
  const rules = rulesFor(primary);

  it("lets the application subnet reach 5432", () => {
    assert.equal(primary.subnets.app?.cidr, "10.0.1.0/24");
    assert.equal(inbound(rules, "10.0.1.37", primaryDb), "Allow");
    assert.equal(inbound(rules, host(primary.subnets.app.cidr, 250), primaryDb), "Allow");
  });

  it("lets the other region's database subnet (replication) and its own subnet (HA standby) reach 5432", () => {
    assert.equal(inbound(rules, drDb, primaryDb), "Allow");
    assert.equal(inbound(rules, host(primary.subnets.database.cidr, 9), primaryDb), "Allow");
  });

  it("keeps the private-endpoint subnet out although Azure's AllowVnetInBound would let it in", () => {
    const pe = host(primary.subnets.privateEndpoints!.cidr);
    assert.equal(inbound(rules, pe, primaryDb), "Deny");
    assert.equal(
      inbound(
        rules.filter((r) => r.name !== "DenyAllOtherInbound"),
        pe,
        primaryDb,
      ),
      "Allow",
      "without the explicit deny the default rule admits it",
    );
  });

  it("denies an unused address of the VNet and a public address", () => {
    assert.equal(inbound(rules, "10.0.9.9", primaryDb), "Deny");
    assert.equal(inbound(rules, "8.8.8.8", primaryDb), "Deny");
  });

  it("denies other ports and UDP from the application subnet", () => {
    assert.equal(inbound(rules, "10.0.1.37", primaryDb, 22), "Deny");
    assert.equal(inbound(rules, "10.0.1.37", primaryDb, 6432), "Deny");
    assert.equal(inbound(rules, "10.0.1.37", primaryDb, 5432, "Udp"), "Deny");
  });

  it("names the deciding rule", () => {
    const verdict = evaluate(
      rules,
      {
        direction: "Inbound",
        sourceAddress: "8.8.8.8",
        destinationAddress: primaryDb,
        destinationPort: 5432,
        protocol: "Tcp",
      },
      ctx,
    );
    assert.deepEqual(verdict, { access: "Deny", rule: "DenyAllOtherInbound" });
  });

  it("keeps Azure's health probe source allowed under the explicit deny", () => {
    assert.equal(inbound(rules, AZURE_PLATFORM_ADDRESS, primaryDb, 5432), "Allow");
  });

  it("allows what Microsoft lists as required outbound: 5432 to the database subnets, Storage and Entra ID on 443", () => {
    const out = (destinationAddress: string, destinationPort: number) =>
      evaluate(
        rules,
        { direction: "Outbound", sourceAddress: primaryDb, destinationAddress, destinationPort, protocol: "Tcp" },
        ctx,
      );
    assert.deepEqual(out(drDb, 5432), { access: "Allow", rule: "AllowPostgresToDatabaseSubnets" });
    assert.deepEqual(out("Storage.KoreaSouth", 443), { access: "Allow", rule: "AllowAzureStorage" });
    assert.deepEqual(out("AzureActiveDirectory", 443), { access: "Allow", rule: "AllowMicrosoftEntraId" });
  });

  it("is a rule list Azure accepts", () => {
    assert.deepEqual(nsgRuleProblems(rules), []);
  });
});

describe("database subnet NSG (replica region)", () => {
  const rules = rulesFor(dr);

  it("lets the primary region's application subnet and database subnet reach the replica", () => {
    assert.equal(inbound(rules, "10.0.1.37", drDb), "Allow");
    assert.equal(inbound(rules, primaryDb, drDb), "Allow");
  });

  it("denies the primary's private-endpoint subnet, which the peering puts in the VirtualNetwork tag", () => {
    assert.equal(inbound(rules, host(primary.subnets.privateEndpoints!.cidr), drDb), "Deny");
    assert.equal(inbound(rules, "10.1.9.9", drDb), "Deny");
  });
});

describe("evaluate (Azure semantics)", () => {
  const base = { sourcePortRange: "*", destinationAddressPrefix: "*", description: "" } as const;
  const rule = (name: string, priority: number, access: "Allow" | "Deny", source: string, port = "*"): NsgRule => ({
    ...base,
    name,
    priority,
    direction: "Inbound",
    access,
    protocol: "Tcp",
    sourceAddressPrefix: source,
    destinationPortRange: port,
  });
  const flow = (sourceAddress: string, destinationPort = 5432) =>
    ({
      direction: "Inbound",
      sourceAddress,
      destinationAddress: "10.0.2.4",
      destinationPort,
      protocol: "Tcp",
    }) as const;

  it("lets the lowest priority number win, whatever the list order", () => {
    const rules = [rule("allow", 200, "Allow", "10.0.1.0/24"), rule("deny", 150, "Deny", "10.0.0.0/16")];
    assert.equal(evaluate(rules, flow("10.0.1.5"), ctx).rule, "deny");
    assert.equal(evaluate([...rules].reverse(), flow("10.0.1.5"), ctx).rule, "deny");
  });

  it("falls through to the default rules: VNet and peered VNets allowed, everything else denied", () => {
    assert.deepEqual(evaluate([], flow("10.1.7.7"), ctx), { access: "Allow", rule: "AllowVnetInBound" });
    assert.deepEqual(evaluate([], flow("10.2.0.1"), ctx), { access: "Deny", rule: "DenyAllInBound" });
    assert.deepEqual(evaluate([], flow("8.8.8.8"), ctx), { access: "Deny", rule: "DenyAllInBound" });
  });

  it("matches port ranges and single addresses", () => {
    const rules = [rule("range", 100, "Allow", "10.0.1.5", "5000-5500")];
    assert.equal(evaluate(rules, flow("10.0.1.5", 5432), { virtualNetworkPrefixes: [] }).access, "Allow");
    assert.equal(evaluate(rules, flow("10.0.1.5", 5501), { virtualNetworkPrefixes: [] }).access, "Deny");
    assert.equal(evaluate(rules, flow("10.0.1.6", 5432), { virtualNetworkPrefixes: [] }).access, "Deny");
  });

  it("treats Internet as public space outside the VNets", () => {
    const rules = [rule("internet", 100, "Allow", "Internet")];
    assert.equal(evaluate(rules, flow("8.8.8.8"), { virtualNetworkPrefixes: [] }).rule, "internet");
    assert.equal(evaluate(rules, flow("10.9.9.9"), { virtualNetworkPrefixes: [] }).rule, "DenyAllInBound");
  });
});

describe("nsgRuleProblems", () => {
  const [first, second] = rulesFor(primary);

  it("reports duplicate priorities in one direction and duplicate names", () => {
    const problems = nsgRuleProblems([first, { ...second, priority: first.priority }, { ...first }]);
    assert.ok(
      problems.some((p) => p.includes("priority 100 is already used by AllowPostgresFromApplication")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("duplicate rule name")),
      problems.join("\n"),
    );
  });

  it("reports a rule with both the singular and the plural address form", () => {
    const problems = nsgRuleProblems([{ ...first, sourceAddressPrefix: "10.0.1.0/24" }]);
    assert.deepEqual(problems, [
      "AllowPostgresFromApplication: give exactly one of sourceAddressPrefix and sourceAddressPrefixes",
    ]);
  });

  it("reports priorities outside Azure's user range", () => {
    assert.deepEqual(nsgRuleProblems([{ ...first, priority: 65000 }]), [
      "AllowPostgresFromApplication: priority 65000 is outside 100–4096",
    ]);
  });
});

describe("database subnet outbound: only what Learn's networking page requires", () => {
  const rules = rulesFor(primary);
  const out = (destinationAddress: string, destinationPort: number, protocol: "Tcp" | "Udp" = "Tcp") =>
    evaluate(
      rules,
      { direction: "Outbound", sourceAddress: primaryDb, destinationAddress, destinationPort, protocol },
      ctx,
    ).access;

  it("denies general Internet and other VNet addresses", () => {
    assert.equal(out("203.0.113.10", 443), "Deny");
    assert.equal(out("Internet", 80), "Deny");
    assert.equal(out(host(primary.subnets.app!.cidr), 22), "Deny");
  });

  it("keeps DNS to Azure's resolver", () => {
    assert.equal(out("AzurePlatformDNS", 53, "Udp"), "Allow");
  });
});

describe("PgBouncer and pod subnets", () => {
  const pods = "10.0.16.0/20";
  const pooled = databaseSubnetRules({
    databaseSubnetCidr: primary.subnets.database.cidr,
    databaseSubnetCidrs: databaseCidrs,
    applicationSubnetCidrs: [...appCidrs, pods],
    pgBouncer: true,
  });

  it("admits 6432 from the application subnets only when PgBouncer is on", () => {
    assert.equal(inbound(pooled, host(primary.subnets.app!.cidr), primaryDb, 6432), "Allow");
    assert.equal(inbound(rulesFor(primary), host(primary.subnets.app!.cidr), primaryDb, 6432), "Deny");
    assert.equal(inbound(pooled, "203.0.113.10", primaryDb, 6432), "Deny");
  });

  it("admits the pod subnet when pods have their own", () => {
    assert.equal(inbound(pooled, host(pods), primaryDb, 5432), "Allow");
    assert.equal(inbound(rulesFor(primary), host(pods), primaryDb, 5432), "Deny");
    assert.deepEqual(nsgRuleProblems(pooled), []);
  });
});

describe("private-endpoint subnet NSG", () => {
  const rules = privateEndpointSubnetRules({
    privateEndpointSubnetCidr: primary.subnets.privateEndpoints!.cidr,
    clientSubnetCidrs: appCidrs,
  });
  const pe = host(primary.subnets.privateEndpoints!.cidr);

  it("lets the application subnets reach the vault's endpoint on 443, nothing else", () => {
    assert.equal(inbound(rules, host(primary.subnets.app!.cidr), pe, 443), "Allow");
    assert.equal(inbound(rules, host(primary.subnets.app!.cidr), pe, 80), "Deny");
    assert.equal(inbound(rules, primaryDb, pe, 443), "Deny");
    assert.equal(inbound(rules, host(dr.subnets.database.cidr), pe, 443), "Deny");
    assert.deepEqual(nsgRuleProblems(rules), []);
  });
});
