// The local Docker twin under mocks, with the committed local stack config: the primary runs exactly the declared
// self-managed parameter set plus TLS and replication settings, only TLS connections are accepted, the replica clones
// and follows the primary, and no password appears in any input that is not secret.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  ENTRYPOINT_SCRIPT,
  INIT_HOOK_SCRIPT,
  LocalTwin,
  REPLICATION_SLOT,
  TWIN_ONLY_SETTINGS,
  TWIN_PATHS,
  parseSettings,
  pgHbaConf,
  postgresCommand,
} from "../../../../infra/local-twin/twin.js";
import { parametersFor, selfManagedValue } from "../../../../infra/parameters.js";
import { PASSWORD_ROLES, type PasswordRole } from "../../../../infra/types.js";
import { type CapturedResource, MOCK_SECRET_MARKER, type OfflineRun, runOffline } from "../../../../tools/offline.js";
import { localPlatform } from "../../../support/stack-platforms.js";

const SQL = "-- bootstrap fixture\nSELECT 1;\n";

const platform = localPlatform();

let run: OfflineRun;
let twinOutputs: Record<string, unknown>;
const ofType = (type: string) => run.resources.filter((r) => r.type === type);
const container = (role: "primary" | "replica"): CapturedResource => {
  const found = ofType("docker:index/container:Container").filter((r) => r.name === `twin-${role}`);
  assert.equal(found.length, 1);
  return found[0];
};
const envOf = (c: CapturedResource) =>
  new Map((c.inputs.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
const uploadsOf = (c: CapturedResource) =>
  c.rawInputs.uploads as Array<{ file: string; content: string; permissions: string }>;

describe("local twin (local config, mocks)", () => {
  before(async () => {
    run = await runOffline({
      stack: "local",
      config: {},
      program: async () => {
        const passwords = Object.fromEntries(
          PASSWORD_ROLES.map((r) => [r, pulumi.secret(`${MOCK_SECRET_MARKER}${r}`)]),
        ) as Record<PasswordRole, pulumi.Output<string>>;
        const verifiers = {
          application: pulumi.secret(`${MOCK_SECRET_MARKER}verifier-application`),
          monitoring: pulumi.secret(`${MOCK_SECRET_MARKER}verifier-monitoring`),
        };
        const twin = new LocalTwin("twin", {
          platform,
          passwords,
          verifiers,
          logins: { application: "phonebill_auth_user", monitoring: "phonebill_monitor" },
          bootstrapSql: SQL,
        });
        return {
          primaryContainerName: twin.primaryContainerName,
          primaryContainerId: twin.primaryContainerId,
          replicaContainerName: twin.replicaContainerName,
          primaryHost: twin.primaryHost,
          primaryPort: twin.primaryPort,
          replicaHost: twin.replicaHost,
          replicaPort: twin.replicaPort,
        };
      },
    });
    twinOutputs = run.outputs;
  });

  it("creates the network, three volumes and the image from config", () => {
    assert.deepEqual(
      ofType("docker:index/network:Network").map((n) => n.inputs.name),
      ["authdb-local"],
    );
    assert.deepEqual(
      ofType("docker:index/volume:Volume")
        .map((v) => v.inputs.name)
        .sort(),
      ["authdb-local-primary-data", "authdb-local-replica-data", "authdb-local-tls"],
    );
    assert.deepEqual(
      ofType("docker:index/remoteImage:RemoteImage").map((i) => i.inputs.name),
      [platform.local.image],
    );
  });

  it("starts the primary with exactly the declared self-managed parameters, plus only the twin's own settings", () => {
    const settings = parseSettings(container("primary").inputs.command as string[]);
    const declared = parametersFor("selfManaged");
    for (const p of declared) assert.equal(settings.get(p.name), selfManagedValue(p), p.name);
    const twinOnly = new Map(TWIN_ONLY_SETTINGS);
    for (const name of settings.keys()) {
      assert.ok(
        declared.some((p) => p.name === name) || twinOnly.has(name),
        `${name} is neither declared nor a twin setting`,
      );
    }
    assert.equal(settings.size, declared.length + twinOnly.size);
    // Azure-only parameters have no meaning on a self-managed server.
    for (const azureOnly of ["require_secure_transport", "azure.extensions", "connection_throttle.enable"])
      assert.ok(!settings.has(azureOnly));
  });

  it("requires TLS: ssl on with the generated certificate, TLS ≥ 1.2, and an hba file that only accepts hostssl", () => {
    const primary = container("primary");
    const settings = parseSettings(primary.inputs.command as string[]);
    assert.equal(settings.get("ssl"), "on");
    assert.equal(settings.get("ssl_min_protocol_version"), "TLSv1.2");
    assert.ok(settings.get("ssl_cert_file")!.startsWith(TWIN_PATHS.tls));
    const hba = uploadsOf(primary).find((u) => u.file === settings.get("hba_file"))!;
    const rules = hba.content
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"))
      .map((l) => l.trim().split(/\s+/));
    for (const r of rules.filter((r) => r[0] !== "local")) {
      assert.ok(
        r[0] === "hostssl" || (r[0] === "hostnossl" && r[4] === "reject"),
        `TCP rule ${r.join(" ")} admits plain text`,
      );
      if (r[0] === "hostssl") assert.equal(r[4], "scram-sha-256");
    }
    assert.ok(
      rules.some((r) => r[0] === "hostssl" && r[1] === "replication"),
      "replication over TLS is not allowed",
    );
    assert.match(ENTRYPOINT_SCRIPT, /openssl req -x509/);
  });

  it("the replica runs the same parameters, depends on the primary and clones it with pg_basebackup and a slot", () => {
    const primary = container("primary");
    const replica = container("replica");
    assert.ok(replica.dependsOn.includes(primary.urn));
    assert.deepEqual(replica.inputs.command, primary.inputs.command);
    const env = envOf(replica);
    assert.equal(env.get("AUTHDB_ROLE"), "replica");
    assert.equal(env.get("AUTHDB_PRIMARY_HOST"), primary.inputs.name);
    assert.equal(env.get("AUTHDB_REPLICATION_SLOT"), REPLICATION_SLOT);
    assert.equal(envOf(primary).get("AUTHDB_ROLE"), "primary");
    // The primary is reachable under its container name on the shared network.
    assert.deepEqual((primary.inputs.networksAdvanced as any)[0].aliases, [primary.inputs.name]);
    assert.equal((replica.inputs.networksAdvanced as any)[0].name, (primary.inputs.networksAdvanced as any)[0].name);
    assert.match(
      ENTRYPOINT_SCRIPT,
      /pg_basebackup -d "\$conninfo" -D "\$PGDATA" -R -X stream -C -S "\$AUTHDB_REPLICATION_SLOT"/,
    );
    assert.match(ENTRYPOINT_SCRIPT, /sslmode=require/);
    assert.match((replica.inputs.healthcheck as any).tests[1], /pg_is_in_recovery/);
  });

  it("each container has its own data volume and they share only the TLS volume", () => {
    const vols = (c: CapturedResource) =>
      (c.inputs.volumes as Array<{ volumeName: string; containerPath: string }>)
        .map((v) => `${v.volumeName}:${v.containerPath}`)
        .sort();
    assert.deepEqual(vols(container("primary")), [
      "authdb-local-primary-data:/var/lib/postgresql/data",
      "authdb-local-tls:/var/lib/postgresql/tls",
    ]);
    assert.deepEqual(vols(container("replica")), [
      "authdb-local-replica-data:/var/lib/postgresql/data",
      "authdb-local-tls:/var/lib/postgresql/tls",
    ]);
  });

  it("publishes the configured ports on loopback only, and never runs two copies of a container", () => {
    for (const [role, port] of [
      ["primary", platform.local.primaryPort],
      ["replica", platform.local.replicaPort],
    ] as const) {
      const c = container(role);
      assert.deepEqual(c.inputs.ports, [{ internal: 5432, external: port, ip: "127.0.0.1" }]);
      assert.equal(c.deleteBeforeReplace, true);
      assert.equal(c.inputs.wait, true);
    }
  });

  it("applies the bootstrap SQL with the SCRAM verifiers read from files; only the administrator password is a file", () => {
    const primary = container("primary");
    const files = new Map(uploadsOf(primary).map((u) => [u.file, u]));
    assert.equal(files.get(`${TWIN_PATHS.config}/bootstrap.sql`)!.content, SQL);
    const driver = files.get(`${TWIN_PATHS.config}/run.psql`)!.content;
    assert.ok(driver.includes(`${TWIN_PATHS.secrets}/application-scram-verifier\``), driver);
    assert.ok(driver.includes(`${TWIN_PATHS.secrets}/monitoring-scram-verifier\``), driver);
    assert.match(files.get(TWIN_PATHS.initHook)!.content, /-f "\$AUTHDB_CONFIG_DIR\/run\.psql"/);
    assert.equal(INIT_HOOK_SCRIPT, files.get(TWIN_PATHS.initHook)!.content);
    assert.equal(
      files.get(`${TWIN_PATHS.secrets}/administrator-password`)!.content,
      `${MOCK_SECRET_MARKER}administrator`,
    );
    for (const role of ["application", "monitoring"]) {
      assert.equal(
        files.get(`${TWIN_PATHS.secrets}/${role}-password`),
        undefined,
        `no container needs ${role}'s password`,
      );
      const f = files.get(`${TWIN_PATHS.secrets}/${role}-scram-verifier`)!;
      assert.equal(f.content, `${MOCK_SECRET_MARKER}verifier-${role}`);
      assert.equal(f.permissions, "0400");
    }
    const replicaFiles = uploadsOf(container("replica")).map((u) => u.file);
    assert.ok(!replicaFiles.some((f) => f.includes("scram-verifier")), "the replica gets only the files it uses");
    assert.equal(envOf(primary).get("POSTGRES_PASSWORD_FILE"), `${TWIN_PATHS.secrets}/administrator-password`);
    assert.equal(envOf(primary).get("POSTGRES_DB"), platform.database.name);
    assert.equal(envOf(primary).get("POSTGRES_USER"), platform.local.administratorLogin);
  });

  it("no password in any input that is not secret: not in envs, command or labels", () => {
    for (const r of run.resources) {
      const leaking = Object.keys(r.rawInputs).filter(
        (k) => JSON.stringify(r.rawInputs[k]).includes(MOCK_SECRET_MARKER) && !r.secretInputs.includes(k),
      );
      assert.deepEqual(leaking, [], `${r.name} holds a password in plain inputs`);
    }
    for (const role of ["primary", "replica"] as const) {
      const c = container(role);
      assert.deepEqual(c.secretInputs, ["uploads"]);
      assert.ok(!(c.inputs.envs as string[]).some((e) => /^POSTGRES_PASSWORD=|^PGPASSWORD=/.test(e)));
    }
  });

  it("outputs have the Azure stack's shape: localhost and the published ports", () => {
    assert.equal(twinOutputs.primaryHost, "localhost");
    assert.equal(twinOutputs.primaryPort, platform.local.primaryPort);
    assert.equal(twinOutputs.replicaHost, "localhost");
    assert.equal(twinOutputs.replicaPort, platform.local.replicaPort);
    assert.equal(twinOutputs.primaryContainerName, "authdb-local-primary");
    assert.equal(twinOutputs.replicaContainerName, "authdb-local-replica");
  });
});

describe("local twin: pure parts", () => {
  it("the command line round-trips through parseSettings, values with '=' and ',' intact", () => {
    const settings = parseSettings(postgresCommand());
    assert.equal(settings.get("log_line_prefix"), "%t-%c-user=%u,db=%d,app=%a,client=%h");
    assert.equal(postgresCommand()[0], "postgres");
  });

  it("the hba file rejects plain TCP before any hostssl rule", () => {
    const lines = pgHbaConf().split("\n");
    const firstReject = lines.findIndex((l) => l.startsWith("hostnossl"));
    const firstSsl = lines.findIndex((l) => l.startsWith("hostssl"));
    assert.ok(firstReject > 0 && firstReject < firstSsl);
  });
});
