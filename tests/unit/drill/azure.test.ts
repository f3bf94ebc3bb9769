/** --target azure: the exact commands built from the stack outputs (nothing is executed here). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parametersFor } from "../../../infra/parameters.js";
import { ADMIN_PASSWORD, azurePlan, parseStackOutputs, renderAzurePlan } from "../../../drill/azure.js";
import { SCENARIOS } from "../../../drill/options.js";

const outputs = parseStackOutputs({
  resourceGroupName: "rg-authdb-prod",
  primaryServerName: "psql-authdb-prod",
  primaryFqdn: "psql-authdb-prod.postgres.database.azure.com",
  replicaServerNames: { koreasouth: "psql-authdb-prod-krs" },
  replicaFqdns: { koreasouth: "psql-authdb-prod-krs.postgres.database.azure.com" },
  databaseName: "phonebill_auth",
  administratorLogin: "authdb_admin",
  keyVaultName: "kv-authdb-prod",
  primaryServerId:
    "/subscriptions/0000/resourceGroups/rg-authdb-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-authdb-prod",
});
const opts = { stamp: "202501011200", restoreTime: "2025-01-01T11:50:00.000Z" };
const plan = azurePlan(outputs, [...SCENARIOS], opts);
const find = (pred: (argv: string[]) => boolean) => plan.filter((s) => pred(s.argv)).map((s) => s.argv);

test("forced HA failover", () => {
  assert.deepEqual(
    find((a) => a.includes("--failover")),
    [
      [
        "az",
        "postgres",
        "flexible-server",
        "restart",
        "--resource-group",
        "rg-authdb-prod",
        "--name",
        "psql-authdb-prod",
        "--failover",
        "Forced",
      ],
    ],
  );
});

test("PITR restores to a new server, checks it, deletes it", () => {
  assert.deepEqual(
    find((a) => a.includes("--restore-time")),
    [
      [
        "az",
        "postgres",
        "flexible-server",
        "restore",
        "--resource-group",
        "rg-authdb-prod",
        "--name",
        "psql-authdb-prod-pitr-202501011200",
        "--source-server",
        outputs.primaryServerId,
        "--restore-time",
        "2025-01-01T11:50:00.000Z",
      ],
    ],
  );
  assert.ok(
    find((a) => a.includes("delete") && a.includes("psql-authdb-prod-pitr-202501011200") && a.includes("--yes"))
      .length === 1,
  );
});

test("region loss promotes the Korea South replica standalone, forced", () => {
  assert.deepEqual(
    find((a) => a.includes("promote")),
    [
      [
        "az",
        "postgres",
        "flexible-server",
        "replica",
        "promote",
        "--resource-group",
        "rg-authdb-prod",
        "--name",
        "psql-authdb-prod-krs",
        "--promote-mode",
        "standalone",
        "--promote-option",
        "forced",
        "--yes",
      ],
    ],
  );
});

test("connection checks run from inside the VNet with sslmode=require, and non-TLS must fail", () => {
  const connect = plan.filter((s) => s.scenario === "connect" && s.argv[0] === "kubectl");
  assert.ok(connect.length >= 3);
  for (const s of connect) {
    assert.deepEqual(s.argv.slice(0, 2), ["kubectl", "run"]);
    assert.ok(
      s.argv.includes("--rm") &&
        s.argv.includes("--restart=Never") &&
        s.argv.includes(`--env=PGPASSWORD=${ADMIN_PASSWORD}`),
    );
  }
  const tls = connect.find((s) => s.description.startsWith("TLS"));
  assert.ok(
    tls?.argv.includes(
      "host=psql-authdb-prod.postgres.database.azure.com port=5432 dbname=phonebill_auth user=authdb_admin sslmode=require connect_timeout=5",
    ),
  );
  const notls = connect.find((s) => s.expectFailure);
  assert.ok(notls?.argv.some((a) => a.includes("sslmode=disable")));
  const replica = connect.find((s) => s.description.includes("koreasouth"));
  assert.ok(
    replica?.argv.some((a) => a.includes("psql-authdb-prod-krs.postgres.database.azure.com")) &&
      replica.argv.includes("SELECT pg_is_in_recovery()"),
  );
});

test("every Azure parameter of the declared set is checked", () => {
  const names = plan.filter((s) => s.argv.includes("parameter")).map((s) => s.argv[s.argv.indexOf("--name") + 1]);
  assert.deepEqual(
    names,
    parametersFor("azure").map((p) => p.name),
  );
});

test("lag uses the replica's physical_replication_delay_in_seconds metric", () => {
  assert.deepEqual(
    find((a) => a.includes("metrics")),
    [
      [
        "az",
        "monitor",
        "metrics",
        "list",
        "--resource",
        "/subscriptions/0000/resourceGroups/rg-authdb-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-authdb-prod-krs",
        "--metric",
        "physical_replication_delay_in_seconds",
        "--interval",
        "PT1M",
        "--aggregation",
        "Maximum",
        "--offset",
        "1h",
        "-o",
        "json",
      ],
    ],
  );
});

test("the password comes from Key Vault and never appears in the printed plan", () => {
  assert.deepEqual(plan[0]?.argv, [
    "az",
    "keyvault",
    "secret",
    "show",
    "--vault-name",
    "kv-authdb-prod",
    "--name",
    "postgres-administrator-password",
    "--query",
    "value",
    "-o",
    "tsv",
  ]);
  assert.equal(plan[0]?.capturesAdminPassword, true);
  const text = renderAzurePlan(plan);
  assert.match(text, /ADMIN_PASSWORD=\$\(az keyvault secret show/);
  assert.match(text, /--failover Forced/);
});

test("missing outputs are rejected", () => {
  assert.throws(() => parseStackOutputs({ resourceGroupName: "x" }), /primaryServerName/);
});
