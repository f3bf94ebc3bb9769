/** --target azure: the plan built from the stack outputs (nothing is executed here; tests/unit/drill/azure/ runs it). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parametersFor } from "../../../infra/parameters.js";
import { POSTGRES_PORT } from "../../../infra/types.js";
import {
  ADMIN_PASSWORD,
  AZURE_DEFAULT_SCENARIOS,
  AZURE_SCENARIOS,
  azurePlan,
  parseAzureScenarioList,
  parseStackOutputs,
  PITR_TARGET,
  renderAzurePlan,
  type AzureScenarioName,
} from "../../../drill/azure.js";
import { parseArgs } from "../../../drill/cli-args.js";
import { FAST, stackOutputs } from "../../support/fixtures/drill-azure/outputs.js";

const prod = parseStackOutputs(stackOutputs());
const dev = parseStackOutputs(stackOutputs({ environment: "dev" }));
const ALL = Object.keys(AZURE_SCENARIOS) as AzureScenarioName[];
const DESTRUCTIVE = ALL.filter((s) => AZURE_SCENARIOS[s].destructive);
const plan = azurePlan(prod, AZURE_DEFAULT_SCENARIOS, FAST);
const all = azurePlan(prod, ALL, { ...FAST, allowDestructive: "psql-authdb-prod" });

describe("destructive scenarios (D100)", () => {
  it("the default list has no destructive scenario and no destructive step", () => {
    assert.deepEqual(
      AZURE_DEFAULT_SCENARIOS.filter((s) => AZURE_SCENARIOS[s].destructive),
      [],
    );
    assert.deepEqual(
      plan.filter((s) => s.destructive).map((s) => s.description),
      [],
    );
    assert.ok(!plan.some((s) => s.argv.includes("Forced") || s.argv.includes("forced") || s.argv.includes("pgbench")));
    // Negative control: the full list does have destructive steps, so the filter above can fail.
    assert.ok(all.filter((s) => s.destructive).length >= 3);
  });

  it("prod without --allow-destructive refuses, naming the flag and the server, every scenario at once", () => {
    assert.throws(
      () => azurePlan(prod, DESTRUCTIVE, FAST),
      (e: Error) =>
        DESTRUCTIVE.every((s) => e.message.includes(`${s} is destructive`)) &&
        /--allow-destructive psql-authdb-prod/.test(e.message),
    );
  });

  it("prod with a wrong server name refuses", () => {
    assert.throws(
      () => azurePlan(prod, ["failover-forced"], { ...FAST, allowDestructive: "psql-authdb-dev" }),
      /--allow-destructive psql-authdb-dev does not name this stack's primary server psql-authdb-prod/,
    );
  });

  it("prod with the right name plans the forced failover; a dev stack needs no flag", () => {
    for (const p of [
      azurePlan(prod, ["failover-forced"], { ...FAST, allowDestructive: "psql-authdb-prod" }),
      azurePlan(dev, ["failover-forced"], FAST),
    ]) {
      const f = p.find((s) => s.argv.includes("--failover"));
      assert.equal(f?.argv[f.argv.indexOf("--failover") + 1], "Forced");
      assert.equal(f?.destructive, true);
    }
  });

  it("no plan promotes standalone; the region drill is the planned switchover and back", () => {
    assert.ok(!all.some((s) => s.argv.includes("standalone")));
    const promotes = azurePlan(prod, ["region-switchover"], FAST).filter((s) => s.argv.includes("promote"));
    assert.deepEqual(
      promotes.map((s) => [
        s.argv[s.argv.indexOf("--name") + 1],
        s.argv[s.argv.indexOf("--promote-mode") + 1],
        s.argv[s.argv.indexOf("--promote-option") + 1],
      ]),
      [
        ["psql-authdb-prod-krs", "switchover", "planned"],
        ["psql-authdb-prod", "switchover", "planned"],
      ],
    );
    assert.ok(!all.some((s) => s.argv[0] === "pulumi"), "the drill switches back instead of converging config");
  });

  it("--allow-destructive takes the server name", () => {
    assert.equal(
      parseArgs(["--target", "azure", "--allow-destructive", "psql-authdb-prod"]).allowDestructive,
      "psql-authdb-prod",
    );
    assert.throws(() => parseArgs(["--allow-destructive"]), /--allow-destructive needs a value/);
  });

  it("unknown scenarios are refused, archive with the reason", () => {
    assert.throws(
      () => parseAzureScenarioList("connect,archive,nope"),
      /unknown Azure scenario archive, nope.*archives WAL itself/,
    );
    assert.deepEqual(parseAzureScenarioList("connect, pitr"), ["connect", "pitr"]);
  });
});

describe("the plan", () => {
  it("every pod has a name of its own", () => {
    const names = all.filter((s) => s.argv[0] === "kubectl").map((s) => s.argv[2]);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.every((n) => n !== undefined && n.length <= 63 && /^[a-z0-9-]+$/.test(n)));
  });

  it("every step has a predicate and says what it expects", () => {
    for (const s of all) assert.ok(s.expect.length > 0 && typeof s.check === "function", s.description);
  });

  it("the writer starts in the background before the failover, which runs before the writer is awaited", () => {
    const i = (pred: (s: (typeof plan)[number]) => boolean) => plan.findIndex(pred);
    const writer = i((s) => s.background === true);
    const failover = i((s) => s.argv.includes("--failover"));
    const awaited = i((s) => s.await === plan[writer]?.id);
    const rows = i((s) => s.id === "failover-rows");
    assert.ok(
      writer >= 0 && writer < failover && failover < awaited && awaited < rows,
      `${writer} ${failover} ${awaited} ${rows}`,
    );
    assert.equal(plan[failover]?.argv[plan[failover].argv.indexOf("--failover") + 1], "Planned");
    const script = plan[writer]?.argv.at(-1) ?? "";
    assert.match(script, /RETURNING seq \|\| '\|' \|\| timeline/);
    const setup = plan[writer - 1]?.argv.at(-1) ?? "";
    assert.match(setup, /clock_timestamp\(\).*inet_server_addr\(\).*pg_walfile_name\(pg_current_wal_lsn\(\)\)/);
  });

  it("PITR restores to a T read on the server at run time, not fixed when the plan is built", () => {
    const restore = plan.find((s) => s.argv.includes("--restore-time"));
    assert.equal(restore?.argv[restore.argv.indexOf("--restore-time") + 1], PITR_TARGET);
    const markers = plan.find((s) => s.capture === "PITR_TARGET");
    assert.ok(markers && plan.indexOf(markers) < plan.indexOf(restore));
    const wait = plan.find((s) => s.argv[0] === "sleep" && s.scenario === "pitr");
    assert.ok(wait && plan.indexOf(wait) > plan.indexOf(markers) && plan.indexOf(wait) < plan.indexOf(restore));
    assert.equal(azurePlan(prod, ["pitr"]).find((s) => s.argv[0] === "sleep")?.argv[1], "420");
  });

  it("pg_amcheck uses --maintenance-db, never -d, and amcheck is allow-listed (also on the restored server)", () => {
    const am = plan.filter((s) => s.argv.includes("pg_amcheck"));
    assert.equal(am.length, 2);
    for (const s of am) {
      assert.ok(s.argv.includes("--maintenance-db") && !s.argv.includes("-d"));
      // The host goes in -h: the per-database connections do not take it from --maintenance-db (D104).
      assert.equal(
        s.argv[s.argv.indexOf("-h") + 1],
        "psql-authdb-prod-verify-202612021800.postgres.database.azure.com",
      );
      assert.ok(s.argv.includes("--env=PGSSLMODE=require"));
    }
    const ext = parametersFor("azure").find((p) => p.name === "azure.extensions");
    assert.ok(ext?.value.split(",").includes("amcheck"));
    const set = plan.find((s) => s.argv.includes("set") && s.argv.includes("azure.extensions"));
    assert.equal(set?.argv[set.argv.indexOf("--value") + 1], ext?.value);
  });

  it("connection strings carry POSTGRES_PORT and the password only as a placeholder", () => {
    const tls = plan.find((s) => s.description.startsWith("TLS"));
    assert.ok(
      tls?.argv.includes(
        `host=psql-authdb-prod.postgres.database.azure.com port=${POSTGRES_PORT} dbname=phonebill_auth user=authdb_admin sslmode=require connect_timeout=5`,
      ),
    );
    assert.ok(tls?.argv.includes(`--env=PGPASSWORD=${ADMIN_PASSWORD}`));
    const text = renderAzurePlan(all);
    assert.match(
      text,
      /ADMIN_PASSWORD=\$\(az keyvault secret show --vault-name kv-authdb-prod --name postgres-administrator-password/,
    );
    assert.match(text, /DESTRUCTIVE/);
    assert.match(text, /expect: /);
  });

  it("every declared parameter is compared, and the server's version is read first", () => {
    const names = plan
      .filter((s) => s.argv.includes("show") && s.argv.includes("parameter"))
      .map((s) => s.argv[s.argv.indexOf("--name") + 1]);
    assert.deepEqual(
      names,
      parametersFor("azure").map((p) => p.name),
    );
    assert.equal(plan[1]?.capture, "POSTGRES_VERSION");
    assert.ok(plan[1]?.argv.includes("SELECT version()"));
  });
});

describe("stack outputs", () => {
  it("are checked against the contract, all problems at once", () => {
    const o = stackOutputs();
    delete o.primaryServerName;
    delete o.keyVaultName;
    assert.throws(
      () => parseStackOutputs({ ...o, port: "5432" }),
      (e: Error) =>
        ["primaryServerName: missing", "keyVaultName: missing", 'port: "5432" is not a number'].every((p) =>
          e.message.includes(p),
        ),
    );
  });

  it("refuse another port and a local stack; a secret output printed as [secret] is accepted", () => {
    assert.throws(
      () => parseStackOutputs(stackOutputs({ port: 6432 })),
      /port: 6432, Azure Database for PostgreSQL listens on 5432/,
    );
    assert.throws(() => parseStackOutputs(stackOutputs({ platformKind: "local" })), /needs an azure stack/);
    assert.equal(
      parseStackOutputs(stackOutputs({ applicationPassword: "[secret]" })).primaryServerName,
      "psql-authdb-prod",
    );
    assert.throws(
      () => parseStackOutputs(stackOutputs({ applicationPassword: "plain" })),
      /applicationPassword: not secret/,
    );
  });
});
