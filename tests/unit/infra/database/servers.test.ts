// The database component under mocks: every plan item asserted from what was registered, and the dependency graph.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type AzurePlatform, parsePlatform } from "../../../../infra/config/platform.js";
import { readStackFile } from "../../../../tools/offline.js";
import type { LiveServers } from "../../../../infra/database/live.js";
import {
  PRIMARY_IGNORED_DRIFT,
  PostgresServers,
  REPLICA_IGNORED_DRIFT,
  RESTART_COMMAND,
  restartTrigger,
} from "../../../../infra/database/servers.js";
import { DECLARED_PARAMETERS, parametersFor } from "../../../../infra/parameters.js";
import { type CapturedResource, type OfflineRun, runOffline } from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const SERVER = "azure-native:dbforpostgresql:Server";
const CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const RESTART = "command:local:Command";

const platformOf = azurePlatform;

/** Stands in for a region's network resources (delegated subnet, DNS link, peering). */
class Prerequisite extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:network:Prerequisite", name, {});
  }
}

/**
 * Builds only the database component, on stand-in network prerequisites per region. Several suites build the same
 * inputs; those share one run (the same program on the same inputs registers the same resources), each with a copy.
 */
async function run(
  stack: "prod" | "dev",
  live: LiveServers = {},
  platform: AzurePlatform = platformOf(stack),
): Promise<OfflineRun> {
  const key = JSON.stringify([stack, live, platform]);
  if (!runs.has(key)) runs.set(key, runComponent(stack, live, platform));
  return structuredClone(await runs.get(key)!);
}
const runs = new Map<string, Promise<OfflineRun>>();

async function runComponent(stack: "prod" | "dev", live: LiveServers, platform: AzurePlatform): Promise<OfflineRun> {
  return runOffline({
    stack,
    config: {},
    program: async () => {
      const regions = [...new Set([platform.location, ...platform.replicas.map((r) => r.region)])];
      const prerequisites = Object.fromEntries(regions.map((r) => [r, [new Prerequisite(`subnet-${r}`)]]));
      const servers = new PostgresServers("postgres", {
        platform,
        resourceGroupName: platform.resourceGroupName,
        subscriptionId: "sub-guid",
        tenantId: "tenant-guid",
        administratorPassword: pulumi.secret("MOCK-SECRET-admin"),
        network: {
          databaseSubnetIds: Object.fromEntries(regions.map((r) => [r, pulumi.output(`/subnets/database-${r}`)])),
          postgresDnsZoneId: pulumi.output("/privateDnsZones/zone"),
          serverPrerequisites: prerequisites,
        },
        live,
      });
      return {
        writerFqdn: servers.writerFqdn,
        readerFqdn: servers.readerFqdn,
        settled: servers.settled.urn,
        roles: Object.fromEntries(servers.servers.map((x) => [x.name, x.role])),
      };
    },
  });
}

const byName = (r: OfflineRun, name: string): CapturedResource => {
  const found = r.resources.find((x) => x.name === name);
  assert.ok(found, `no resource named ${name}`);
  return found;
};
const ofType = (r: OfflineRun, type: string) => r.resources.filter((x) => x.type === type);

/** Everything `urn` depends on, directly or transitively. */
function ancestors(r: OfflineRun, urn: string, seen = new Set<string>()): Set<string> {
  for (const d of r.resources.find((x) => x.urn === urn)?.dependsOn ?? []) {
    if (!seen.has(d)) {
      seen.add(d);
      ancestors(r, d, seen);
    }
  }
  return seen;
}

describe("prod database component", () => {
  let prod: OfflineRun;
  let dev: OfflineRun;
  before(async () => {
    prod = await run("prod");
    dev = await run("dev");
  });

  it("creates a zone-redundant PostgreSQL 15 primary as the plan asks, with Azure's corrections", () => {
    const i = byName(prod, "postgres-primary").inputs as any;
    assert.equal(i.createMode, "Create");
    assert.equal(i.version, "15");
    assert.equal(i.location, "koreacentral");
    assert.deepEqual(i.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
    assert.deepEqual(i.storage, { autoGrow: "Enabled", storageSizeGB: 256, tier: "P30", type: "Premium_LRS" });
    assert.equal(i.availabilityZone, "1");
    assert.deepEqual(i.highAvailability, { mode: "ZoneRedundant", standbyAvailabilityZone: "2" });
    assert.deepEqual(i.backup, { backupRetentionDays: 35, geoRedundantBackup: "Enabled" });
    assert.deepEqual(i.network, {
      delegatedSubnetResourceId: "/subnets/database-koreacentral",
      privateDnsZoneArmResourceId: "/privateDnsZones/zone",
      publicNetworkAccess: "Disabled",
    });
    assert.deepEqual(i.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Enabled",
      tenantId: "tenant-guid",
    });
    assert.deepEqual(i.maintenanceWindow, { customWindow: "Enabled", dayOfWeek: 6, startHour: 17, startMinute: 0 });
    assert.equal(i.administratorLogin, "phonebill_admin");
  });

  it("takes the administrator password as a secret and never shows it", () => {
    const primary = byName(prod, "postgres-primary");
    assert.ok(primary.secretInputs.includes("administratorLoginPassword"));
    assert.equal(primary.inputs.administratorLoginPassword, "[secret]");
  });

  it("protects every server and ignores the drift Azure causes", () => {
    for (const s of ofType(prod, SERVER)) assert.equal(s.protect, true, s.name);
    assert.deepEqual(byName(prod, "postgres-primary").ignoreChanges, [...PRIMARY_IGNORED_DRIFT].sort());
    for (const s of ofType(prod, SERVER).filter((x) => (x.inputs as any).createMode === "Replica")) {
      assert.deepEqual(s.ignoreChanges, [...REPLICA_IGNORED_DRIFT].sort());
    }
    assert.equal(byName(prod, "postgres-database").protect, true);
  });

  it("locks the prod primary against deletion by scope: the server's id, no API version of another service", () => {
    const lock = byName(prod, "postgres-primary-lock");
    assert.equal(lock.type, "azure-native:authorization:ManagementLockByScope");
    const i = lock.inputs as any;
    // The scope is the server's ARM id as Azure returns it; the locks API builds the path, so no parentResourcePath
    // (which produced ".../Microsoft.DBforPostgreSQL//flexibleServers/...") and no Flexible Server apiVersion.
    assert.deepEqual(i, {
      level: "CanNotDelete",
      lockName: "phonebill-auth-postgresql-prod-cannot-delete",
      notes: "Production database: remove this lock deliberately (see README, 'Replacing or deleting a server').",
      scope:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phonebill-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/phonebill-auth-postgresql-prod",
    });
    assert.ok(lock.dependsOn.includes(byName(prod, "postgres-primary").urn));
  });

  it("writes every declared Azure parameter on the primary as user overrides, in the reference's spelling", () => {
    const written = ofType(prod, CONFIGURATION).filter(
      (c) => (c.inputs as any).serverName === "phonebill-auth-postgresql-prod",
    );
    assert.deepEqual(
      written.map((c) => [(c.inputs as any).configurationName, (c.inputs as any).value]).sort(),
      parametersFor("azure")
        .map((p) => [p.name, p.value])
        .sort(),
    );
    for (const c of written) {
      assert.equal((c.inputs as any).source, "user-override");
      // Deleting a Configuration resets the parameter to Azure's default (pulumi-azure-native#3476, fixed): no retain.
      assert.equal(c.retainOnDelete, false, c.name);
    }
    const v = Object.fromEntries(written.map((c) => [(c.inputs as any).configurationName, (c.inputs as any).value]));
    assert.equal(v.require_secure_transport, "on");
    assert.equal(v.ssl_min_protocol_version, "TLSv1.2");
    assert.equal(v.shared_preload_libraries, "pg_stat_statements,pgaudit");
    assert.equal(v["pgaudit.log"], "role,ddl,misc");
    assert.equal(v["pg_qs.query_capture_mode"], "top");
    assert.equal(v["logfiles.download_enable"], "on");
    assert.ok(Number(v["logfiles.retention_days"]) >= 7);
  });

  it("chains the primary's parameters one after another, after the Entra admin, ending in one restart", () => {
    const entra = byName(prod, "postgres-entra-admin");
    const chain = parametersFor("azure").map((p) => byName(prod, `postgres-primary-param-${p.name}`));
    assert.ok(chain[0].dependsOn.includes(entra.urn), "first parameter waits for the Entra admin");
    for (let k = 1; k < chain.length; k++)
      assert.ok(chain[k].dependsOn.includes(chain[k - 1].urn), `${chain[k].name} follows ${chain[k - 1].name}`);
    const restart = byName(prod, "postgres-primary-restart");
    assert.ok(restart.dependsOn.includes(chain[chain.length - 1].urn), "restart follows the last write");
    assert.equal(
      ofType(prod, RESTART).filter((c) => c.name.startsWith("postgres-primary")).length,
      1,
      "exactly one restart for the primary",
    );
  });

  it("restarts with the deployer's az in a POSIX shell, naming the subscription", () => {
    const i = byName(prod, "postgres-primary-restart").inputs as any;
    assert.equal(i.create, RESTART_COMMAND);
    assert.match(i.create, /--subscription "\$SUBSCRIPTION_ID"/);
    assert.deepEqual(i.interpreter, ["/bin/sh", "-c"]);
    assert.deepEqual(i.environment, {
      SUBSCRIPTION_ID: "sub-guid",
      RESOURCE_GROUP: "rg-phonebill-prod",
      SERVER_NAME: "phonebill-auth-postgresql-prod",
    });
  });

  it("restarts only when the static parameter set changes", () => {
    const params = parametersFor("azure");
    const base = restartTrigger("s", params);
    const dynamicChanged = params.map((p) => (p.name === "log_min_duration_statement" ? { ...p, value: "500" } : p));
    const staticChanged = params.map((p) => (p.name === "max_connections" ? { ...p, value: "200" } : p));
    assert.equal(restartTrigger("s", dynamicChanged), base);
    assert.notEqual(restartTrigger("s", staticChanged), base);
    assert.deepEqual((byName(prod, "postgres-primary-restart").inputs as any).triggers, [
      restartTrigger("postgres-primary", params),
    ]);
  });

  it("creates the database after the last parameter write and the Entra admin", () => {
    const db = byName(prod, "postgres-database");
    assert.deepEqual(
      {
        name: (db.inputs as any).databaseName,
        charset: (db.inputs as any).charset,
        collation: (db.inputs as any).collation,
      },
      { name: "phonebill_auth", charset: "UTF8", collation: "ko_KR.utf8" },
    );
    const deps = ancestors(prod, db.urn);
    const lastParam = byName(prod, `postgres-primary-param-${parametersFor("azure").at(-1)!.name}`);
    assert.ok(deps.has(lastParam.urn));
    assert.ok(db.dependsOn.includes(byName(prod, "postgres-entra-admin").urn));
    assert.ok(deps.has(byName(prod, "postgres-primary-restart").urn));
  });

  it("sets the Entra administrator group from config", () => {
    const e = byName(prod, "postgres-entra-admin").inputs as any;
    assert.equal(e.principalType, "Group");
    assert.equal(e.principalName, "phonebill-db-admins@company.com");
    assert.equal(e.objectId, "6f1c2b1e-0000-4000-8000-00000000a001");
  });

  it("creates the plan's two replicas as large as the primary, in their regions' subnets, without HA or backup", () => {
    const primary = byName(prod, "postgres-primary");
    const replicas = ofType(prod, SERVER).filter((s) => (s.inputs as any).createMode === "Replica");
    assert.deepEqual(replicas.map((s) => (s.inputs as any).location).sort(), ["koreacentral", "koreasouth"]);
    for (const s of replicas) {
      const i = s.inputs as any;
      assert.equal(
        i.sourceServerResourceId,
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phonebill-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/phonebill-auth-postgresql-prod",
      );
      assert.deepEqual(i.sku, (primary.inputs as any).sku);
      assert.deepEqual(i.storage, (primary.inputs as any).storage);
      // A promoted replica keeps its own authentication: Entra is declared on it, as on the primary.
      assert.deepEqual(i.authConfig, (primary.inputs as any).authConfig);
      // Azure copies the primary's tags onto a new replica; declaring the same tags leaves no perpetual diff.
      assert.deepEqual(i.tags, (primary.inputs as any).tags);
      assert.equal(i.network.delegatedSubnetResourceId, `/subnets/database-${i.location}`);
      assert.equal(i.network.privateDnsZoneArmResourceId, "/privateDnsZones/zone");
      assert.equal(i.network.publicNetworkAccess, "Disabled");
      for (const forbidden of ["highAvailability", "backup", "administratorLogin", "administratorLoginPassword"]) {
        assert.ok(!(forbidden in i), `replica ${s.name} carries ${forbidden}`);
      }
    }
    const south = replicas.find((s) => (s.inputs as any).location === "koreasouth")!;
    // The SDK sends "" for "no zone"; Korea South has none to offer.
    assert.equal((south.inputs as any).availabilityZone, "");
    const central = replicas.find((s) => (s.inputs as any).location === "koreacentral")!;
    assert.equal((central.inputs as any).availabilityZone, "3");
  });

  it("makes each replica depend on the primary and on its own region's network", () => {
    const primary = byName(prod, "postgres-primary");
    for (const s of ofType(prod, SERVER).filter((x) => (x.inputs as any).createMode === "Replica")) {
      const region = (s.inputs as any).location;
      assert.ok(s.dependsOn.includes(primary.urn), `${s.name} depends on the primary`);
      assert.ok(
        s.dependsOn.some((d) => d.endsWith(`::subnet-${region}`)),
        `${s.name} depends on ${region}'s network`,
      );
      assert.ok(
        ancestors(prod, s.urn).has(byName(prod, "postgres-database").urn),
        `${s.name} waits for the primary's writes`,
      );
    }
  });

  it("declares the whole posture on every replica (parameters reach replicas only at creation), then restarts it", () => {
    for (const s of ofType(prod, SERVER).filter((x) => (x.inputs as any).createMode === "Replica")) {
      const name = (s.inputs as any).serverName;
      const params = ofType(prod, CONFIGURATION).filter((c) => (c.inputs as any).serverName === name);
      assert.deepEqual(
        params.map((c) => [(c.inputs as any).configurationName, (c.inputs as any).value]).sort(),
        parametersFor("azure")
          .map((p) => [p.name, p.value])
          .sort(),
      );
      const last = byName(prod, `postgres-replica-${name}-param-${parametersFor("azure").at(-1)!.name}`);
      assert.ok(
        ofType(prod, RESTART).some((c) => c.dependsOn.includes(last.urn)),
        `${name} restarts after its last write`,
      );
    }
  });

  it("dev differs only where its config says: General Purpose D2ds_v5, no HA, 7-day local backup, one replica, no lock", () => {
    const i = byName(dev, "postgres-primary").inputs as any;
    assert.deepEqual(i.sku, { name: "Standard_D2ds_v5", tier: "GeneralPurpose" });
    assert.deepEqual(i.highAvailability, { mode: "Disabled", standbyAvailabilityZone: "" }); // the SDK fills the default
    assert.deepEqual(i.backup, { backupRetentionDays: 7, geoRedundantBackup: "Disabled" });
    assert.equal(ofType(dev, SERVER).length, 2);
    assert.equal(ofType(dev, "azure-native:authorization:ManagementLockByScope").length, 0);
    const prodPrimary = byName(prod, "postgres-primary").inputs as any;
    for (const same of ["version", "authConfig", "maintenanceWindow", "administratorLogin", "createMode"]) {
      assert.deepEqual(i[same], prodPrimary[same], `${same} is the same in dev and prod`);
    }
    assert.equal(ofType(dev, CONFIGURATION).length, parametersFor("azure").length * 2);
  });

  it("declares every parameter it writes (one source for Azure, the twin and the drills)", () => {
    const declared = new Set(DECLARED_PARAMETERS.map((p) => p.name));
    for (const c of ofType(prod, CONFIGURATION)) assert.ok(declared.has((c.inputs as any).configurationName));
  });
});

describe("servers that already exist in Azure", () => {
  const SERVER_IDS = {
    primary: "phonebill-auth-postgresql-prod",
    south: "phonebill-auth-postgresql-prod-krs",
    central: "phonebill-auth-postgresql-prod-krc",
  };
  const live: LiveServers = {
    [SERVER_IDS.primary]: {
      skuName: "Standard_D4ds_v5",
      storageSizeGB: 512, // auto-grow doubled it
      privateDnsZoneArmResourceId: "/privatednszones/zone", // Azure's casing
      highAvailabilityMode: "ZoneRedundant",
      maxConnections: 100,
    },
    [SERVER_IDS.south]: { skuName: "Standard_D4ds_v5", storageSizeGB: 512, maxConnections: 100 },
    [SERVER_IDS.central]: { skuName: "Standard_D4ds_v5", storageSizeGB: 512, maxConnections: 100 },
  };
  let existing: OfflineRun;
  let fresh: OfflineRun;
  before(async () => {
    fresh = await run("prod");
    existing = await run("prod", live);
  });

  it("sends createMode Update for every server that exists, Create and Replica only when creating", () => {
    const mode = (r: OfflineRun, name: string) => (byName(r, name).inputs as any).createMode;
    assert.equal(mode(fresh, "postgres-primary"), "Create");
    assert.equal(mode(fresh, `postgres-replica-${SERVER_IDS.south}`), "Replica");
    assert.equal(mode(existing, "postgres-primary"), "Update");
    assert.equal(mode(existing, `postgres-replica-${SERVER_IDS.south}`), "Update");
    assert.equal(mode(existing, `postgres-replica-${SERVER_IDS.central}`), "Update");
  });

  it("never sends a disk smaller than the live one (auto-grow), and sends Azure's spelling of the same DNS zone id", () => {
    const i = byName(existing, "postgres-primary").inputs as any;
    assert.equal(i.storage.storageSizeGB, 512);
    assert.equal(i.network.privateDnsZoneArmResourceId, "/privatednszones/zone");
    assert.equal((byName(fresh, "postgres-primary").inputs as any).storage.storageSizeGB, 256);
  });
});

const VIRTUAL_ENDPOINT = "azure-native:dbforpostgresql:VirtualEndpoint";

describe("virtual endpoints (D70)", () => {
  let prod: OfflineRun;
  let without: OfflineRun;
  before(async () => {
    prod = await run("prod");
    const { virtualEndpoints: _dropped, ...rest } = platformOf("prod");
    without = await run("prod", {}, rest);
  });

  it("creates one pair on the primary: ReadWrite, the reader pointing at the Korea South replica", () => {
    const [ve, ...more] = ofType(prod, VIRTUAL_ENDPOINT);
    assert.ok(ve, "no virtual endpoint registered");
    assert.equal(more.length, 0, "Azure allows one writer and one reader endpoint per primary");
    assert.deepEqual(ve.inputs, {
      resourceGroupName: "rg-phonebill-prod",
      serverName: "phonebill-auth-postgresql-prod",
      virtualEndpointName: "phonebill-auth-prod",
      endpointType: "ReadWrite",
      members: ["phonebill-auth-postgresql-prod-krs"],
    });
  });

  it("is the last write of the chain, after the reader's target and every replica's configuration", () => {
    const ve = ofType(prod, VIRTUAL_ENDPOINT)[0];
    const before = ancestors(prod, ve.urn);
    for (const server of ofType(prod, SERVER)) assert.ok(before.has(server.urn), `${server.name} is not before it`);
    for (const restart of ofType(prod, RESTART)) assert.ok(before.has(restart.urn), `${restart.name} is not before it`);
    assert.equal(prod.outputs.settled, ve.urn, "later writes (threat protection) must wait for the endpoints");
  });

  it("gives consumers the endpoint names, which follow a switchover", () => {
    assert.equal(prod.outputs.writerFqdn, "phonebill-auth-prod.writer.postgres.database.azure.com");
    assert.equal(prod.outputs.readerFqdn, "phonebill-auth-prod.reader.postgres.database.azure.com");
  });

  it("negative control: without virtualEndpoints nothing is created and consumers get the servers' own names", () => {
    assert.deepEqual(ofType(without, VIRTUAL_ENDPOINT), []);
    assert.equal(without.outputs.writerFqdn, "phonebill-auth-postgresql-prod.postgres.database.azure.com");
    assert.equal(without.outputs.readerFqdn, "phonebill-auth-postgresql-prod-krs.postgres.database.azure.com");
    assert.notEqual(without.outputs.writerFqdn, prod.outputs.writerFqdn);
  });
});

/** The prod platform as it is configured after a switchover to Korea South (platform.primaryRegion, D72). */
function switchedProd(region = "koreasouth"): AzurePlatform {
  const raw = structuredClone(readStackFile("Pulumi.prod.yaml").config["authdb:platform"]) as any;
  raw.primaryRegion = region;
  const p = parsePlatform(raw, { teamsWebhookUrl: "secret" });
  assert.ok(p.kind === "azure");
  return p;
}

describe("after a switchover to Korea South (D72)", () => {
  const P = "phonebill-auth-postgresql-prod";
  const KRS = `${P}-krs`;
  const KRC = `${P}-krc`;
  const everyServerExists: LiveServers = Object.fromEntries(
    [P, KRS, KRC].map((n) => [
      n,
      { skuName: "Standard_D4ds_v5", storageSizeGB: 256, maxConnections: 100, highAvailabilityMode: "Disabled" },
    ]),
  );
  let before_: OfflineRun;
  let after: OfflineRun;
  let back: OfflineRun;
  before(async () => {
    before_ = await run("prod", everyServerExists);
    after = await run("prod", everyServerExists, switchedProd());
    back = await run("prod", everyServerExists, switchedProd("koreacentral"));
  });

  it("keeps every resource's URN: nothing is created, deleted or renamed", () => {
    const urns = (r: OfflineRun) => r.resources.map((x) => x.urn).sort();
    assert.deepEqual(urns(after), urns(before_));
  });

  it("changes no create-only input of any server (REST spec x-ms-mutability create), so nothing is replaced", () => {
    const createOnly = (x: CapturedResource) => {
      const i = x.inputs as any;
      return [
        i.serverName,
        i.location,
        i.createMode,
        i.availabilityZone,
        i.version,
        i.network?.delegatedSubnetResourceId,
      ];
    };
    for (const server of ofType(before_, SERVER))
      assert.deepEqual(createOnly(byName(after, server.name)), createOnly(server), server.name);
  });

  it("declares HA Disabled on the demoted primary and none on the promoted Korea South server (no zone-redundant HA there)", () => {
    assert.deepEqual((byName(before_, "postgres-primary").inputs as any).highAvailability, {
      mode: "ZoneRedundant",
      standbyAvailabilityZone: "2",
    });
    // standbyAvailabilityZone "" is the SDK's own default (highAvailabilityArgsProvideDefaults), ignored as drift.
    assert.deepEqual((byName(after, "postgres-primary").inputs as any).highAvailability, {
      mode: "Disabled",
      standbyAvailabilityZone: "",
    });
    assert.equal((byName(after, `postgres-replica-${KRS}`).inputs as any).highAvailability, undefined);
  });

  it("swaps the roles the alert pack follows and keeps the reader on the former primary", () => {
    assert.deepEqual(before_.outputs.roles, { [P]: "primary", [KRS]: "replica", [KRC]: "replica" });
    assert.deepEqual(after.outputs.roles, { [P]: "replica", [KRS]: "primary", [KRC]: "replica" });
    assert.deepEqual((ofType(after, VIRTUAL_ENDPOINT)[0].inputs as any).members, [P]);
    assert.equal(after.outputs.writerFqdn, before_.outputs.writerFqdn, "the host names do not change");
  });

  it("re-applies every server parameter on every server, whatever its role (a promotion carries none over)", () => {
    const params = (r: OfflineRun) =>
      ofType(r, CONFIGURATION)
        .map((c) => `${c.name}=${(c.inputs as any).value}`)
        .sort();
    assert.deepEqual(params(after), params(before_));
  });

  it("switching back (primaryRegion = location) is the configured state again (negative control)", () => {
    assert.deepEqual(back.outputs.roles, before_.outputs.roles);
    assert.deepEqual(
      (byName(back, "postgres-primary").inputs as any).highAvailability,
      (byName(before_, "postgres-primary").inputs as any).highAvailability,
    );
    assert.notDeepEqual(after.outputs.roles, before_.outputs.roles);
  });
});
