// Checks against the live servers: a one-step scale-up is refused with the two-step procedure (Pulumi would update the
// primary first), and inputs that depend on what exists take Azure's live values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AzurePlatform } from "../../../../infra/config/platform.js";
import type { LiveServers } from "../../../../infra/database/live.js";
import { isNotFound } from "../../../../infra/database/live.js";
import {
  createModeFor,
  dnsZoneIdFor,
  dnsZoneProblems,
  preflightProblems,
  storageSizeFor,
} from "../../../../infra/database/preflight.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const prod = azurePlatform("prod");
const [KRS, KRC] = prod.replicas.map((r) => r.name);
const PRIMARY = prod.server.name;

const liveAt = (sku: string, sizeGB: number, maxConnections: number): LiveServers => ({
  [PRIMARY]: { skuName: sku, storageSizeGB: sizeGB, maxConnections, highAvailabilityMode: "ZoneRedundant" },
  [KRS]: { skuName: sku, storageSizeGB: sizeGB, maxConnections },
  [KRC]: { skuName: sku, storageSizeGB: sizeGB, maxConnections },
});

function withServer(
  change: Partial<AzurePlatform["server"]>,
  replicas?: Partial<AzurePlatform["replicas"][number]>,
): AzurePlatform {
  return {
    ...prod,
    server: { ...prod.server, ...change },
    replicas: prod.replicas.map((r) => ({
      ...r,
      ...(change.sku ? { sku: change.sku } : {}),
      ...(change.storage ? { storage: change.storage } : {}),
      ...(change.maxConnections ? { maxConnections: change.maxConnections } : {}),
      ...replicas,
    })),
  };
}

const D8 = { name: "Standard_D8ds_v5", tier: "GeneralPurpose" } as const;

describe("replica-first scaling against the live servers", () => {
  it("passes the committed prod config against servers at its own size (and a first deployment)", () => {
    assert.deepEqual(preflightProblems(prod, liveAt("Standard_D4ds_v5", 256, 100)), []);
    assert.deepEqual(preflightProblems(prod, {}), []);
  });

  it("refuses a one-step compute scale-up D4ds_v5 → D8ds_v5 with the two-step procedure", () => {
    const problems = preflightProblems(withServer({ sku: D8 }), liveAt("Standard_D4ds_v5", 256, 100));
    assert.equal(problems.length, 2);
    assert.equal(problems[0].path, "platform.server.sku.name");
    assert.match(problems[0].message, new RegExp(`before replica ${KRS} \\(live Standard_D4ds_v5\\)`));
    assert.match(problems[0].message, /concepts-read-replicas#scale/);
    assert.match(problems[0].message, /1\) set the new value on every replica .* 2\) then set it on the primary/);
  });

  it("accepts step 1 (replicas only) and step 2 (the primary, replicas already raised)", () => {
    const step1: AzurePlatform = { ...prod, replicas: prod.replicas.map((r) => ({ ...r, sku: D8 })) };
    assert.deepEqual(preflightProblems(step1, liveAt("Standard_D4ds_v5", 256, 100)), []);
    const afterStep1: LiveServers = {
      ...liveAt("Standard_D4ds_v5", 256, 100),
      [KRS]: { skuName: D8.name, storageSizeGB: 256, maxConnections: 100 },
      [KRC]: { skuName: D8.name, storageSizeGB: 256, maxConnections: 100 },
    };
    assert.deepEqual(preflightProblems(withServer({ sku: D8 }), afterStep1), []);
  });

  it("refuses a one-step disk growth and a one-step max_connections raise", () => {
    const bigger = { ...prod.server.storage, sizeGB: 512 };
    const disk = preflightProblems(withServer({ storage: bigger }), liveAt("Standard_D4ds_v5", 256, 100));
    assert.ok(disk.some((p) => p.path === "platform.server.storage.sizeGB"));
    const conns = preflightProblems(withServer({ maxConnections: 200 }), liveAt("Standard_D4ds_v5", 256, 100));
    assert.ok(
      conns.some((p) => p.path === "platform.server.maxConnections" && /how-to-create-read-replica/.test(p.message)),
    );
  });

  it("does not object to a scale-down (primary first is Azure's order then)", () => {
    const D2 = { name: "Standard_D2ds_v5", tier: "GeneralPurpose" } as const;
    assert.deepEqual(preflightProblems(withServer({ sku: D2 }), liveAt("Standard_D4ds_v5", 256, 100)), []);
  });
});

describe("inputs that depend on what exists", () => {
  it("creates, or updates what exists", () => {
    assert.equal(createModeFor(undefined, "primary"), "Create");
    assert.equal(createModeFor(undefined, "replica"), "Replica");
    assert.equal(createModeFor({}, "replica"), "Update");
  });

  it("keeps the larger disk and Azure's casing of the same zone id; refuses another zone on an HA server", () => {
    assert.equal(storageSizeFor({ storageSizeGB: 512 }, 256), 512);
    assert.equal(storageSizeFor({ storageSizeGB: 256 }, 1024), 1024);
    assert.equal(storageSizeFor(undefined, 256), 256);
    assert.equal(dnsZoneIdFor({ privateDnsZoneArmResourceId: "/A/zone" }, "/a/ZONE"), "/A/zone");
    assert.equal(dnsZoneIdFor({ privateDnsZoneArmResourceId: "/a/other" }, "/a/zone"), "/a/zone");
    const ha: LiveServers = {
      [PRIMARY]: { privateDnsZoneArmResourceId: "/x/other-zone", highAvailabilityMode: "ZoneRedundant" },
    };
    assert.match(dnsZoneProblems(prod, ha, "/x/zone")[0]?.message ?? "", /cannot move an HA server/);
    assert.deepEqual(dnsZoneProblems(prod, ha, "/X/OTHER-ZONE"), []);
  });

  it("tells Azure's not-found answers from other failures", () => {
    assert.ok(isNotFound(new Error('Status=404 Code="ResourceNotFound"')));
    assert.ok(isNotFound(new Error('Code="ResourceGroupNotFound"')));
    assert.ok(!isNotFound(new Error('Status=403 Code="AuthorizationFailed"')));
  });
});
