// Platform config validation: every rule has a failing case whose message names the key, the value and the rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConfigError,
  type SecretKeyPresence,
  activeConnectionsThreshold,
  parsePlatform,
  toUtcWindow,
} from "../../../../infra/config/platform.js";
import { readStackFile } from "../../../../tools/offline.js";

const ALL_SECRETS: SecretKeyPresence = { teamsWebhookUrl: "secret" };

function raw(stack: "prod" | "dev" | "local"): any {
  return structuredClone(readStackFile(`Pulumi.${stack}.yaml`).config["authdb:platform"]);
}

/** Parses a mutated copy of a stack file's platform and returns the error messages ("path: message"). */
function problems(
  stack: "prod" | "dev" | "local",
  mutate: (c: any) => void,
  secrets: SecretKeyPresence = ALL_SECRETS,
): string[] {
  const c = raw(stack);
  mutate(c);
  try {
    parsePlatform(c, secrets);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

function rejects(
  stack: "prod" | "dev" | "local",
  mutate: (c: any) => void,
  key: string,
  ...fragments: (string | RegExp)[]
) {
  const found = problems(stack, mutate);
  const hit = found.find((m) => m.startsWith(`${key}:`));
  assert.ok(hit, `no problem reported for ${key}; got:\n${found.join("\n")}`);
  for (const f of fragments)
    assert.match(hit, typeof f === "string" ? new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : f);
}

describe("the committed stack files", () => {
  for (const stack of ["prod", "dev", "local"] as const) {
    it(`${stack} is valid`, () =>
      assert.deepEqual(
        problems(stack, () => {}),
        [],
      ));
  }
  it("prod resolves the plan's values with Azure's corrections", () => {
    const p = parsePlatform(raw("prod"), ALL_SECRETS);
    assert.equal(p.kind, "azure");
    if (p.kind !== "azure") return;
    assert.deepEqual(p.server.maintenanceWindowUtc, { dayOfWeek: 6, startHour: 17, startMinute: 0 });
    assert.equal(p.server.storage.tier, "P30");
    assert.deepEqual(
      p.replicas.map((r) => [r.region, r.sku.name, r.storage.sizeGB, r.storage.autoGrow, r.crossRegion]),
      [
        ["koreasouth", "Standard_D4ds_v5", 256, true, true],
        ["koreacentral", "Standard_D4ds_v5", 256, true, false],
      ],
    );
    assert.equal(p.server.maxConnections, 100);
    assert.deepEqual(
      p.replicas.map((r) => r.maxConnections),
      [100, 100],
    );
  });
});

describe("compute and high availability", () => {
  it("rejects HA on a Burstable SKU", () =>
    rejects(
      "prod",
      (c) => (c.server.sku = { name: "Standard_B2ms", tier: "Burstable" }),
      "platform.server.highAvailability.mode",
      "ZoneRedundant",
      "Burstable",
    ));
  it("rejects a standby zone equal to the primary zone", () =>
    rejects(
      "prod",
      (c) => (c.server.highAvailability.standbyZone = "1"),
      "platform.server.highAvailability.standbyZone",
      "1 equals",
    ));
  it("rejects zone-redundant HA in a region without zones", () =>
    rejects(
      "prod",
      (c) => (
        (c.location = "koreasouth"),
        (c.network.vnets[0].region = "koreasouth"),
        (c.network.vnets[1].region = "koreacentral")
      ),
      "platform.server.highAvailability.mode",
      "koreasouth",
    ));
  it("rejects a zone on a Korea South replica", () =>
    rejects(
      "prod",
      (c) => (c.replicas[0].availabilityZone = "1"),
      "platform.replicas[0].availabilityZone",
      "koreasouth has no availability zones",
    ));
  it("rejects an unknown SKU and a tier that does not match the SKU", () => {
    rejects(
      "prod",
      (c) => (c.server.sku.name = "Standard_D3s_v9"),
      "platform.server.sku.name",
      "Standard_D3s_v9 is not a Flexible Server compute size",
    );
    rejects(
      "prod",
      (c) => (c.server.sku.tier = "MemoryOptimized"),
      "platform.server.sku.tier",
      "MemoryOptimized does not match Standard_D4ds_v5",
    );
  });
  it("rejects an unknown region", () =>
    rejects("prod", (c) => (c.replicas[0].region = "marsnorth"), "platform.replicas[0].region", "marsnorth"));
});

describe("replicas", () => {
  it("rejects a replica smaller than the primary (the plan's D2s_v3)", () =>
    rejects(
      "prod",
      (c) => (c.replicas[1].sku = { name: "Standard_D2s_v3", tier: "GeneralPurpose" }),
      "platform.replicas[1].sku",
      "Standard_D2s_v3 is smaller than the primary's Standard_D4ds_v5 (Azure requires replicas at least as large)",
    ));
  it("rejects replica storage smaller than the primary's (the plan's 128 GB)", () =>
    rejects(
      "prod",
      (c) => (c.replicas[0].storage = { type: "Premium_LRS", sizeGB: 128, autoGrow: true }),
      "platform.replicas[0].storage.sizeGB",
      "128 is smaller",
    ));
  it("rejects a replica that does not auto-grow like its primary", () =>
    rejects(
      "prod",
      (c) => (c.replicas[0].storage = { type: "Premium_LRS", sizeGB: 256, tier: "P30", autoGrow: false }),
      "platform.replicas[0].storage.autoGrow",
      "must auto-grow",
    ));
  it("rejects more than five replicas", () =>
    rejects(
      "prod",
      (c) =>
        (c.replicas = Array.from({ length: 6 }, (_, i) => ({
          name: `phonebill-auth-postgresql-prod-r${i}`,
          region: "koreacentral",
        }))),
      "platform.replicas",
      "6 replicas exceed Azure's limit of 5",
    ));
  it("rejects a replica in a region without a VNet", () =>
    rejects("prod", (c) => c.network.vnets.splice(1, 1), "platform.replicas[0].region", "koreasouth has no VNet"));
  it("rejects a read replica of a Burstable primary (Learn: the Burstable tier is not supported)", () =>
    rejects(
      "prod",
      (c) => {
        c.server.sku = { name: "Standard_B2ms", tier: "Burstable" };
        c.server.highAvailability = { mode: "Disabled" };
      },
      "platform.server.sku.tier",
      "Burstable cannot have read replicas",
      "General Purpose and Memory Optimized",
    ));
  it("rejects a Burstable replica", () =>
    rejects(
      "prod",
      (c) => (c.replicas[0].sku = { name: "Standard_B8ms", tier: "Burstable" }),
      "platform.replicas[0].sku.tier",
      "Burstable",
    ));
  it("rejects read replicas of a Premium SSD v2 primary in any region (Learn: not supported)", () =>
    rejects(
      "prod",
      (c) => {
        c.location = "eastus";
        c.network.vnets[0].region = "eastus";
        c.replicas = [{ name: "phonebill-auth-postgresql-prod-use", region: "eastus" }];
        c.server.storage = { type: "PremiumV2_LRS", sizeGB: 256, autoGrow: false, iops: 3000, throughputMBps: 125 };
      },
      "platform.replicas",
      "Premium SSD v2",
    ));
  it("rejects a replica name that another server uses", () =>
    rejects("prod", (c) => (c.replicas[1].name = c.server.name), "platform.replicas[1].name", "already used"));
});

describe("storage", () => {
  it("rejects the plan's provisioned IOPS on Premium SSD", () =>
    rejects("prod", (c) => (c.server.storage.iops = 3000), "platform.server.storage.iops", "PremiumV2_LRS"));
  it("rejects Premium SSD v2 with HA, replicas and geo-backup in Korea Central", () =>
    rejects(
      "prod",
      (c) =>
        (c.server.storage = { type: "PremiumV2_LRS", sizeGB: 256, autoGrow: false, iops: 3000, throughputMBps: 125 }),
      "platform.server.storage.type",
      "high availability, geo-redundant backup in koreacentral",
    ));
  it("rejects Premium SSD v2 with auto-grow", () =>
    rejects(
      "prod",
      (c) => (c.server.storage = { type: "PremiumV2_LRS", sizeGB: 256, autoGrow: true }),
      "platform.server.storage.autoGrow",
      "no storage auto-grow",
    ));
  it("rejects a tier below the size's baseline and a size Azure does not offer", () => {
    rejects("prod", (c) => (c.server.storage.tier = "P10"), "platform.server.storage.tier", "below P15");
    rejects(
      "prod",
      (c) => (c.server.storage.sizeGB = 300),
      "platform.server.storage.sizeGB",
      "300 is not a Premium SSD size",
    );
  });
});

describe("backup, database, identity", () => {
  it("rejects retention outside 7–35 days", () => {
    rejects(
      "prod",
      (c) => (c.server.backup.retentionDays = 36),
      "platform.server.backup.retentionDays",
      "36 is outside",
    );
    rejects("dev", (c) => (c.server.backup.retentionDays = 3), "platform.server.backup.retentionDays", "3 is outside");
  });
  it("rejects the plan's collation spelling with the fix", () =>
    rejects("prod", (c) => (c.database.collation = "ko_KR.UTF-8"), "platform.database.collation", "use ko_KR.utf8"));
  it("rejects a reserved administrator login", () =>
    rejects(
      "prod",
      (c) => (c.server.administratorLogin = "azure_superuser"),
      "platform.server.administratorLogin",
      "reserves",
    ));
  it("rejects Entra auth off while an Entra admin is configured", () =>
    rejects("prod", (c) => (c.server.authentication.entra = false), "platform.server.authentication.entra", "A1"));
  it("rejects a malformed Entra object id", () =>
    rejects(
      "prod",
      (c) => (c.entraAdmin.objectId = "phonebill-db-admins"),
      "platform.entraAdmin.objectId",
      "not a GUID",
    ));
});

describe("network", () => {
  it("rejects overlapping address spaces of peered VNets", () =>
    rejects(
      "prod",
      (c) => (
        (c.network.vnets[1].addressSpace = "10.0.0.0/8"),
        (c.network.vnets[1].subnets.database.cidr = "10.9.2.0/24")
      ),
      "platform.network.vnets[1].addressSpace",
      "overlaps koreacentral's 10.0.0.0/16",
    ));
  it("rejects a subnet outside its VNet", () =>
    rejects(
      "prod",
      (c) => (c.network.vnets[1].subnets.database.cidr = "10.2.2.0/24"),
      "platform.network.vnets[1].subnets.database.cidr",
      "outside the VNet's address space 10.1.0.0/16",
    ));
  it("rejects an invalid CIDR and one with host bits", () => {
    rejects(
      "prod",
      (c) => (c.network.vnets[0].subnets.app.cidr = "10.0.1.0/33"),
      "platform.network.vnets[0].subnets.app.cidr",
      "not an IPv4 CIDR",
    );
    rejects(
      "prod",
      (c) => (c.network.vnets[0].subnets.app.cidr = "10.0.1.7/24"),
      "platform.network.vnets[0].subnets.app.cidr",
      "host bits",
    );
  });
  it("rejects overlapping subnets in one VNet", () =>
    rejects(
      "prod",
      (c) => (c.network.vnets[0].subnets.privateEndpoints.cidr = "10.0.2.128/25"),
      "platform.network.vnets[0].subnets.privateEndpoints.cidr",
      "overlaps subnet database",
    ));
  it("rejects a DNS zone Azure will not accept", () =>
    rejects(
      "prod",
      (c) => (c.network.postgresDnsZoneName = "db.internal"),
      "platform.network.postgresDnsZoneName",
      ".postgres.database.azure.com",
    ));
  it("requires the app and private-endpoint subnets in the primary region", () =>
    rejects("prod", (c) => delete c.network.vnets[0].subnets.app, "platform.network.vnets[0].subnets.app", "required"));
});

describe("Key Vault and passwords", () => {
  it("rejects a rotation stamp in the wrong format, or a day that does not exist", () => {
    rejects("prod", (c) => (c.passwords.rotation = "Nov 2026"), "platform.passwords.rotation", "YYYY-MM");
    rejects(
      "prod",
      (c) => (c.passwords.rotation = "2026-02-30"),
      "platform.passwords.rotation",
      "not a date in the calendar",
    );
    assert.deepEqual(
      problems("prod", (c) => (c.passwords.rotation = "2028-02-29")),
      [],
    );
  });
  it("rejects passwords shorter than 24 and a class without a minimum", () => {
    rejects(
      "prod",
      (c) => (c.passwords.length = 16),
      "platform.passwords.length",
      "16 is shorter than the platform minimum of 24",
    );
    rejects("prod", (c) => (c.passwords.minSpecial = 0), "platform.passwords.minSpecial", "at least 1");
  });
  it("rejects soft-delete retention outside 7–90 days", () =>
    rejects(
      "prod",
      (c) => (c.keyVault.softDeleteRetentionDays = 120),
      "platform.keyVault.softDeleteRetentionDays",
      "120 is outside",
    ));
  it("rejects a plain-text secret in the platform config and never echoes it", () => {
    const found = problems("prod", (c) => (c.server.administratorPassword = "Auth$ervice2025!Prod"));
    assert.ok(
      found.some((m) => m.startsWith("platform.server.administratorPassword: [redacted] is a plain-text secret")),
    );
    assert.ok(found.every((m) => !m.includes("Auth$ervice2025!Prod")));
  });
  it("rejects a secret config key stored in plain text, and a missing one that is needed", () => {
    const plain = problems("prod", () => {}, { teamsWebhookUrl: "plain" });
    assert.ok(plain.some((m) => m.startsWith("authdb:teamsWebhookUrl: [redacted] is stored in plain text")));
    const missing = problems("prod", () => {}, { teamsWebhookUrl: "absent" });
    assert.ok(missing.some((m) => m.startsWith("authdb:teamsWebhookUrl: (unset) is required")));
  });
  it("refuses the retired long-lived kubeconfig, and credentials of any provider stored in plain text, never echoing them", () => {
    const entries = [
      { key: "authdb:kubeconfig", secret: true },
      { key: "azure-native:clientSecret", secret: false },
      { key: "kubernetes:token", secret: false },
      { key: "azure-native:location", secret: false },
      { key: "azure-native:clientCertificatePassword", secret: true },
    ];
    let found: string[] = [];
    try {
      parsePlatform(raw("prod"), ALL_SECRETS, entries);
    } catch (e) {
      found = (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    assert.ok(found.some((m) => m.startsWith("authdb:kubeconfig: [redacted]: a long-lived kubeconfig")));
    assert.ok(found.some((m) => m.startsWith("azure-native:clientSecret: [redacted] looks like a credential")));
    assert.ok(found.some((m) => m.startsWith("kubernetes:token: [redacted] looks like a credential")));
    assert.ok(!found.some((m) => m.startsWith("azure-native:location") || m.includes("clientCertificatePassword")));
  });
  it("refuses secret-looking tag keys and values, and masks them", () => {
    const token = "sv=2024-01-01&sig=AbCdEf0123456789";
    const found = problems("prod", (c) => {
      c.tags["db-password"] = "x";
      c.tags.deployed = token;
    });
    assert.ok(found.some((m) => m.startsWith("platform.tags.db-password: [redacted] looks like a credential")));
    assert.ok(found.some((m) => m.startsWith("platform.tags.deployed: [redacted] looks like a credential")));
    assert.ok(found.every((m) => !m.includes(token)));
  });
  it("masks a secret-looking value wherever a message would echo it", () => {
    const key = "Zx9" + "Qw8ErT7yUi6OpA5sDf4GhJ3kLz2XcV1b";
    const found = problems("prod", (c) => (c.server.name = key));
    assert.ok(
      found.some((m) => m.startsWith("platform.server.name: [redacted]")),
      found.join("\n"),
    );
    assert.ok(found.every((m) => !m.includes(key)));
  });
});

describe("monitoring", () => {
  it("rejects a metric-alert window Azure does not accept (the plan's 3 minutes)", () =>
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.memoryPercent.window = "PT3M"),
      "platform.monitoring.alerts.memoryPercent.window",
      "PT3M is not a metric alert window",
    ));
  it("rejects an invalid frequency and a frequency longer than its window", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.cpuPercent.frequency = "PT2M"),
      "platform.monitoring.alerts.cpuPercent.frequency",
      "PT2M",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.cpuPercent.frequency = "PT15M"),
      "platform.monitoring.alerts.cpuPercent.frequency",
      "longer than the window PT5M",
    );
  });
  it("rejects a log-alert window Azure does not accept", () =>
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.queryResponseTimeMs.window = "PT1M"),
      "platform.monitoring.alerts.queryResponseTimeMs.window",
      "log alert",
    ));
  it("rejects thresholds out of range", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.cpuPercent.threshold = 120),
      "platform.monitoring.alerts.cpuPercent.threshold",
      "120 is not a percentage",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.replicaLagSeconds.threshold = 0),
      "platform.monitoring.alerts.replicaLagSeconds.threshold",
      "positive",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.serverDown.severity = 7),
      "platform.monitoring.alerts.serverDown.severity",
      "7",
    );
  });
  it("rejects an alert routed to no action group, and a group with no receiver", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.alerts.cpuPercent.actionGroup = "pager"),
      "platform.monitoring.alerts.cpuPercent.actionGroup",
      "would notify no one",
    );
    rejects(
      "dev",
      (c) => (c.monitoring.actionGroups.all.teams = false),
      "platform.monitoring.actionGroups.all",
      "no receiver",
    );
  });
});

describe("cross-cutting", () => {
  it("rejects missing cost-tracking tags", () =>
    rejects("prod", (c) => delete c.tags["cost-center"], "platform.tags", "cost-center"));
  it("rejects a misspelt key and still reports the other problems in the same pass", () => {
    const found = problems("prod", (c) => ((c.server.geoBackup = true), (c.database.collation = "ko_KR.UTF-8")));
    assert.ok(found.some((m) => m.startsWith("platform.server: has unknown key geoBackup")));
    assert.ok(found.some((m) => m.startsWith("platform.database.collation:")));
  });
  it("rejects a local twin with clashing ports", () =>
    rejects(
      "local",
      (c) => (c.local.replicaPort = c.local.primaryPort),
      "platform.local.replicaPort",
      "equals primaryPort",
    ));
  it("rejects an unknown platform kind", () => rejects("prod", (c) => (c.kind = "gcp"), "platform.kind"));
});

describe("derived values", () => {
  it("converts Sunday 02:00 KST to Saturday 17:00 UTC and wraps across the week", () => {
    assert.deepEqual(toUtcWindow("Sunday", "02:00", 9), { dayOfWeek: 6, startHour: 17, startMinute: 0 });
    assert.deepEqual(toUtcWindow("Saturday", "23:30", -1), { dayOfWeek: 0, startHour: 0, startMinute: 30 });
  });
  it("derives the connection alert from the usable slots, not max_connections", () => {
    assert.equal(activeConnectionsThreshold(70, 100), 59);
    assert.equal(activeConnectionsThreshold(100, 100), 85);
  });
});

describe("virtual endpoints (D70)", () => {
  it("prod points the reader at the Korea South replica; dev defaults to its only replica", () => {
    const prod = parsePlatform(raw("prod"), ALL_SECRETS);
    const dev = parsePlatform(raw("dev"), ALL_SECRETS);
    assert.ok(prod.kind === "azure" && dev.kind === "azure");
    assert.deepEqual(prod.virtualEndpoints, {
      name: "phonebill-auth-prod",
      readerTarget: "phonebill-auth-postgresql-prod-krs",
    });
    assert.deepEqual(dev.virtualEndpoints, {
      name: "phonebill-auth-dev",
      readerTarget: "phonebill-auth-postgresql-dev-krc",
    });
  });
  it("defaults the reader to the first replica outside the primary's region (the one a region loss promotes)", () => {
    const c = raw("prod");
    delete c.virtualEndpoints.readerTarget;
    c.replicas.reverse(); // the in-region replica first
    const p = parsePlatform(c, ALL_SECRETS);
    assert.ok(p.kind === "azure");
    assert.equal(p.virtualEndpoints?.readerTarget, "phonebill-auth-postgresql-prod-krs");
  });
  it("rejects a reader endpoint without replicas", () =>
    rejects(
      "dev",
      (c) => (c.replicas = []),
      "platform.virtualEndpoints",
      "needs at least one replica",
      "blocks a promotion to primary",
    ));
  it("rejects a reader target that is not a replica", () =>
    rejects(
      "prod",
      (c) => (c.virtualEndpoints.readerTarget = "phonebill-auth-postgresql-prod"),
      "platform.virtualEndpoints.readerTarget",
      "phonebill-auth-postgresql-prod is not one of platform.replicas",
    ));
  it("rejects a base name outside the REST spec's pattern", () => {
    for (const bad of ["ab", "-leading", "trailing-", "under_score", "x".repeat(64)])
      rejects(
        "prod",
        (c) => (c.virtualEndpoints.name = bad),
        "platform.virtualEndpoints.name",
        bad,
        "is not a virtual endpoint base name",
      );
  });
  it("rejects a base name that is a server's name", () =>
    rejects(
      "prod",
      (c) => (c.virtualEndpoints.name = "phonebill-auth-postgresql-prod-krc"),
      "platform.virtualEndpoints.name",
      "is the name of a server",
    ));
  it("reports every endpoint problem at once", () => {
    const found = problems("dev", (c) => {
      c.replicas = [];
      c.virtualEndpoints = { name: "-x", readerTarget: "nope" };
    });
    assert.ok(found.some((m) => m.startsWith("platform.virtualEndpoints.name:")));
    assert.ok(found.some((m) => m.startsWith("platform.virtualEndpoints:")));
  });
  it("rejects unknown keys in virtualEndpoints (strict schema)", () =>
    rejects("prod", (c) => (c.virtualEndpoints.readerTargets = []), "platform.virtualEndpoints", "unknown key"));
});

describe("primaryRegion (D72)", () => {
  it("defaults to location; after a switchover names the reader target as the current primary", () => {
    const p = parsePlatform(raw("prod"), ALL_SECRETS);
    assert.ok(p.kind === "azure");
    assert.equal(p.primaryRegion, "koreacentral");
    assert.equal(p.currentPrimaryName, "phonebill-auth-postgresql-prod");
    const c = raw("prod");
    c.primaryRegion = "koreasouth";
    const s = parsePlatform(c, ALL_SECRETS);
    assert.ok(s.kind === "azure");
    assert.equal(s.currentPrimaryName, "phonebill-auth-postgresql-prod-krs");
  });
  it("rejects a region that is neither location nor the reader target's", () =>
    rejects(
      "dev",
      (c) => (c.primaryRegion = "koreasouth"),
      "platform.primaryRegion",
      "koreasouth is neither location koreacentral nor the region of the reader endpoint's target",
    ));
  it("rejects a switchover without virtual endpoints", () =>
    rejects(
      "prod",
      (c) => {
        c.primaryRegion = "koreasouth";
        delete c.virtualEndpoints;
      },
      "platform.primaryRegion",
      "a switchover needs platform.virtualEndpoints",
    ));
  it("rejects a primary region without a VNet", () =>
    rejects(
      "prod",
      (c) => {
        c.primaryRegion = "koreasouth";
        c.network.vnets = c.network.vnets.filter((v: any) => v.region !== "koreasouth");
      },
      "platform.primaryRegion",
      "koreasouth has no VNet",
    ));
});

describe("cost budget (R-11.1.1)", () => {
  it("accepts the committed budgets", () => {
    assert.deepEqual(
      problems("prod", () => {}),
      [],
    );
    assert.deepEqual(
      problems("dev", () => {}),
      [],
    );
  });
  it("rejects a zero, negative or non-finite amount, naming the currency rule", () => {
    for (const amount of [0, -10])
      rejects(
        "prod",
        (c) => (c.monitoring.budget.amount = amount),
        "platform.monitoring.budget.amount",
        `${amount} is not a positive amount`,
        "billing currency",
      );
  });
  it("rejects a start date that is not the first of a month, or before June 2017", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.budget.startDate = "2026-12-15"),
      "platform.monitoring.budget.startDate",
      "2026-12-15",
      "first day of a month",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.budget.startDate = "2026-13-01"),
      "platform.monitoring.budget.startDate",
      "2026-13-01",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.budget.startDate = "2017-05-01"),
      "platform.monitoring.budget.startDate",
      "2017-06-01",
    );
  });
  it("rejects thresholds outside (0, 1000] or with more than two decimals", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.budget.actualPercent = 0),
      "platform.monitoring.budget.actualPercent",
      "0 is not a percentage",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.budget.forecastPercent = 1001),
      "platform.monitoring.budget.forecastPercent",
      "1001",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.budget.actualPercent = 80.125),
      "platform.monitoring.budget.actualPercent",
      "2 decimals",
    );
  });
  it("rejects an unknown or empty action group list", () => {
    rejects(
      "prod",
      (c) => (c.monitoring.budget.actionGroups = ["warning", "pager"]),
      "platform.monitoring.budget.actionGroups[1]",
      "pager is not one of",
      "critical, warning",
    );
    rejects(
      "prod",
      (c) => (c.monitoring.budget.actionGroups = []),
      "platform.monitoring.budget.actionGroups",
      "notify no one",
    );
  });
  it("reports every budget mistake at once", () => {
    const found = problems("prod", (c) => {
      c.monitoring.budget.amount = -1;
      c.monitoring.budget.startDate = "2026-12-02";
      c.monitoring.budget.actionGroups = ["nobody"];
    });
    for (const key of ["amount", "startDate", "actionGroups[0]"])
      assert.ok(
        found.some((m) => m.startsWith(`platform.monitoring.budget.${key}:`)),
        `${key} missing in ${found.join("\n")}`,
      );
  });
  it("a stack without a budget is valid (the budget is opt-in)", () =>
    assert.deepEqual(
      problems("prod", (c) => delete c.monitoring.budget),
      [],
    ));
});

describe("long-term retention (D73–D76)", () => {
  it("accepts prod's vault and resolves the weekly time to UTC (Saturday 03:00 KST = Friday 18:00 UTC)", () => {
    const p = parsePlatform(raw("prod"), ALL_SECRETS);
    assert.ok(p.kind === "azure" && p.longTermBackup);
    assert.deepEqual(p.longTermBackup.scheduleUtc, { dayOfWeek: 5, startHour: 18, startMinute: 0 });
    assert.deepEqual(p.longTermBackup.retention, { weeks: 12, months: 12 });
  });

  it("dev has none, and prod without it is still a valid config (policy B3, not a config rule, asks for it in prod)", () => {
    const dev = parsePlatform(raw("dev"), ALL_SECRETS);
    assert.ok(dev.kind === "azure" && dev.longTermBackup === undefined);
    assert.deepEqual(
      problems("prod", (c) => delete c.longTermBackup),
      [],
    );
  });

  it("refuses a vault name Azure does not accept", () => {
    for (const name of ["1vault", "v", "vault-", "vault_name", "x".repeat(51)])
      rejects(
        "prod",
        (c) => (c.longTermBackup.vaultName = name),
        "platform.longTermBackup.vaultName",
        name,
        "Backup vault name",
      );
    assert.deepEqual(
      problems("prod", (c) => (c.longTermBackup.vaultName = "a".repeat(50))),
      [],
    );
  });

  it("refuses soft-delete retention outside 14–180 days, and accepts both ends", () => {
    for (const days of [13, 181, 0])
      rejects(
        "prod",
        (c) => (c.longTermBackup.softDeleteRetentionDays = days),
        "platform.longTermBackup.softDeleteRetentionDays",
        `${days} is outside`,
        "14–180",
      );
    for (const days of [14, 180])
      assert.deepEqual(
        problems("prod", (c) => (c.longTermBackup.softDeleteRetentionDays = days)),
        [],
      );
  });

  it("refuses a retention beyond ten years or below one unit, per unit, and accepts the limits", () => {
    const cases = [
      ["weeks", 522],
      ["weeks", 0],
      ["months", 121],
      ["months", 0],
      ["years", 11],
      ["years", 0],
    ] as const;
    for (const [unit, n] of cases)
      rejects(
        "prod",
        (c) => (c.longTermBackup.retention[unit] = n),
        `platform.longTermBackup.retention.${unit}`,
        `${n} is outside`,
        "7 days to 10 years",
      );
    assert.deepEqual(
      problems("prod", (c) => (c.longTermBackup.retention = { weeks: 521, months: 120, years: 10 })),
      [],
    );
    assert.deepEqual(
      problems("prod", (c) => (c.longTermBackup.retention = { weeks: 1 })),
      [],
    );
  });

  it("refuses cross-region restore from a vault that is not geo-redundant", () => {
    rejects(
      "prod",
      (c) => (c.longTermBackup.redundancy = "ZoneRedundant"),
      "platform.longTermBackup.crossRegionRestore",
      "needs redundancy GeoRedundant",
      "ZoneRedundant",
    );
    assert.deepEqual(
      problems("prod", (c) => {
        c.longTermBackup.redundancy = "ZoneRedundant";
        c.longTermBackup.crossRegionRestore = false;
      }),
      [],
    );
  });

  it("refuses a server above the 1 TiB LTR supports, only when LTR is configured", () => {
    const grow = (c: any) => {
      c.server.storage = { type: "Premium_LRS", sizeGB: 2048, tier: "P40", autoGrow: true };
    };
    rejects("prod", grow, "platform.server.storage.sizeGB", "2048", "1024 GiB (1 TiB)", "longTermBackup");
    assert.deepEqual(
      problems("prod", (c) => {
        grow(c);
        delete c.longTermBackup;
      }),
      [],
    );
  });

  it("refuses a daily schedule or a misspelt key by shape, and reports every mistake at once", () => {
    rejects(
      "prod",
      (c) => (c.longTermBackup.schedule.startTime = "3am"),
      "platform.longTermBackup.schedule.startTime",
      "HH:MM",
    );
    const found = problems("prod", (c) => {
      c.longTermBackup.vaultName = "-bad";
      c.longTermBackup.softDeleteRetentionDays = 365;
      c.longTermBackup.retention.years = 20;
      c.longTermBackup.redundancy = "LocallyRedundant";
    });
    for (const key of ["vaultName", "softDeleteRetentionDays", "retention.years", "crossRegionRestore"])
      assert.ok(
        found.some((m) => m.startsWith(`platform.longTermBackup.${key}:`)),
        `${key} missing from:\n${found.join("\n")}`,
      );
  });
});
