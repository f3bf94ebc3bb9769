/** The exact az commands of the daily check, from the committed prod stack file. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { azCommands, opsTarget } from "../../../../tools/ops/commands.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const SUB = "00000000-0000-0000-0000-000000000000";
const target = opsTarget(azurePlatform("prod"), SUB);
const cmd = azCommands(target);

describe("daily-check commands (prod)", () => {
  it("targets the primary, both replicas, the vault and the three secrets from config", () => {
    assert.equal(target.primary.name, "phonebill-auth-postgresql-prod");
    assert.deepEqual(
      target.replicas.map((r) => r.name),
      ["phonebill-auth-postgresql-prod-krs", "phonebill-auth-postgresql-prod-krc"],
    );
    assert.equal(target.expectHa, true);
    assert.equal(target.lagThresholdSeconds, 5);
    assert.equal(target.rotationPeriodDays, 90);
    assert.deepEqual(target.secretNames, [
      "postgres-administrator-password",
      "postgres-application-password",
      "postgres-monitoring-password",
    ]);
  });

  it("asks az for the server, its replicas, its backups and each replica's lag", () => {
    assert.deepEqual(cmd.server, [
      "postgres",
      "flexible-server",
      "show",
      "--resource-group",
      "rg-phonebill-prod",
      "--name",
      "phonebill-auth-postgresql-prod",
      "--only-show-errors",
      "-o",
      "json",
    ]);
    assert.deepEqual(cmd.replicas.slice(0, 4), ["postgres", "flexible-server", "replica", "list"]);
    assert.deepEqual(cmd.backups.slice(0, 4), ["postgres", "flexible-server", "backup", "list"]);
    assert.deepEqual(cmd.lag[0].argv.slice(0, 6), [
      "monitor",
      "metrics",
      "list",
      "--resource",
      `/subscriptions/${SUB}/resourceGroups/rg-phonebill-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/phonebill-auth-postgresql-prod-krs`,
      "--metric",
    ]);
    assert.ok(cmd.lag[0].argv.includes("physical_replication_delay_in_seconds"));
  });

  it("reads alerts, assessments and secret attributes through Resource Manager, never a secret value", () => {
    const url = (argv: string[]) => argv[argv.indexOf("--url") + 1];
    assert.equal(
      url(cmd.alerts),
      `https://management.azure.com/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts?api-version=2019-05-05-preview&targetResourceGroup=rg-phonebill-prod&timeRange=1d`,
    );
    assert.match(
      url(cmd.defender),
      /\/resourceGroups\/rg-phonebill-prod\/providers\/Microsoft\.Security\/assessments\?api-version=2020-01-01$/,
    );
    assert.match(
      url(cmd.secrets),
      /\/providers\/Microsoft\.KeyVault\/vaults\/kv-phonebill-auth-prod\/secrets\?api-version=2023-07-01$/,
    );
    const all = Object.values(cmd)
      .flat(2)
      .map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
    assert.ok(!all.some((a) => /keyvault secret show|--query value|\/value\b/.test(a)));
  });

  it("prefers names and ids from stack outputs when given", () => {
    const t = opsTarget(azurePlatform("prod"), SUB, {
      replicaServerIds: { koreasouth: "/x/flexibleServers/phonebill-auth-postgresql-prod-krs" },
      keyVaultName: "kv-other",
      passwordSecretNames: { administrator: "admin-pw" },
    });
    assert.equal(t.replicas[0].id, "/x/flexibleServers/phonebill-auth-postgresql-prod-krs");
    assert.equal(t.keyVault, "kv-other");
    assert.deepEqual(t.secretNames, ["admin-pw"]);
  });
});
