// The local Docker twin under mocks, with the committed local stack config: an image built from the repository's
// Dockerfile, containers that run as the postgres user, the primary on exactly the declared self-managed parameter set
// plus TLS and replication settings, the twin's own CA and a server certificate it issued, each container with only
// the files it uses, and no password or verifier in any input that is not secret. The scripts themselves run for real
// in tests/integration/infra/local-twin/scripts.test.ts.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  ADMINISTRATOR_VERIFIER_FILE,
  DOCKERFILE_URL,
  IMAGE_CONTEXT,
  LocalTwin,
  POSTGRES_UID,
  REPLICATION_SLOT,
  SCRIPTS_OF,
  SCRIPT_NAMES,
  TWIN_ONLY_SETTINGS,
  TWIN_PATHS,
  type TwinRole,
  parseSettings,
  pgHbaConf,
  postgresCommand,
  readScript,
  twinEnv,
} from "../../../../infra/local-twin/twin.js";
import { parametersFor, selfManagedValue } from "../../../../infra/parameters.js";
import { verifierMatches } from "../../../../infra/scram.js";
import { PASSWORD_ROLES, type PasswordRole } from "../../../../infra/types.js";
import {
  type CapturedResource,
  MOCK_SECRET_MARKER,
  type OfflineRun,
  runOffline,
  runStackFile,
} from "../../../../tools/offline.js";
import { localPlatform } from "../../../support/stack-platforms.js";

const SQL = "-- bootstrap fixture\nSELECT 1;\n";

const platform = localPlatform();

let run: OfflineRun;
let twinOutputs: Record<string, unknown>;
const ofType = (type: string) => run.resources.filter((r) => r.type === type);
const one = (type: string, name: string): CapturedResource => {
  const found = ofType(type).filter((r) => r.name === name);
  assert.equal(found.length, 1, `${type} ${name}`);
  return found[0];
};
const container = (role: TwinRole) => one("docker:index/container:Container", `twin-${role}`);
const envOf = (c: CapturedResource) =>
  new Map((c.inputs.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
type Upload = { file: string; content: string; permissions: string; owner: string; group: string };
const uploadsOf = (c: CapturedResource) => c.rawInputs.uploads as Upload[];
const filesOf = (c: CapturedResource) => new Map(uploadsOf(c).map((u) => [u.file, u]));

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
          caCertificate: twin.caCertificate,
        };
      },
    });
    twinOutputs = run.outputs;
  });

  it("creates the network and two data volumes, and builds the image from the repository's Dockerfile", () => {
    assert.deepEqual(
      ofType("docker:index/network:Network").map((n) => n.inputs.name),
      ["authdb-local"],
    );
    assert.deepEqual(
      ofType("docker:index/volume:Volume")
        .map((v) => v.inputs.name)
        .sort(),
      ["authdb-local-primary-data", "authdb-local-replica-data"],
    );
    assert.deepEqual(ofType("docker:index/remoteImage:RemoteImage"), [], "no stock image is pulled and patched");
    const image = one("docker:index/image:Image", "twin-image");
    assert.deepEqual(image.inputs.build, { args: { BASE_IMAGE: platform.local.image }, context: IMAGE_CONTEXT });
    assert.equal(image.inputs.skipPush, true);
    assert.equal(image.inputs.buildOnPreview, false);
    assert.equal(image.inputs.imageName, "authdb-local-postgres:postgres-15.10-bookworm");
    // The build context is a folder of this repository (Pulumi runs the program from the project directory).
    assert.ok(existsSync(`${IMAGE_CONTEXT}/Dockerfile`));
    assert.equal(readFileSync(`${IMAGE_CONTEXT}/Dockerfile`, "utf8"), readFileSync(DOCKERFILE_URL, "utf8"));
    // Both containers run the built image by its id, so a rebuild replaces them.
    for (const role of ["primary", "replica"] as const)
      assert.match(String(container(role).inputs.image), /^sha256:[0-9a-f]{64}$/);
  });

  it("the Dockerfile installs pgaudit at build time on the configured image and ends as the postgres user", () => {
    const dockerfile = readFileSync(DOCKERFILE_URL, "utf8");
    const instructions = dockerfile
      .replace(/\\\n/g, " ")
      .split("\n")
      .filter((l) => l.trim() && !l.trimStart().startsWith("#"));
    const at = (kind: string) => instructions.filter((l) => l.startsWith(`${kind} `));
    assert.deepEqual(at("FROM"), ["FROM ${BASE_IMAGE}"]);
    assert.deepEqual(at("ARG"), [`ARG BASE_IMAGE=${platform.local.image}`], "the default is the committed image");
    assert.match(
      at("RUN").join("\n"),
      /apt-get install -y --no-install-recommends "postgresql-\$\{PG_MAJOR\}-pgaudit"/,
    );
    assert.match(at("RUN").join("\n"), /test "\$\(id -u postgres\):\$\(id -g postgres\)" = "999:999"/);
    assert.equal(POSTGRES_UID, "999");
    assert.deepEqual(at("USER"), ["USER postgres"]);
    assert.ok(instructions.indexOf("USER postgres") > instructions.indexOf(at("RUN").at(-1)!), "USER comes last");
    assert.deepEqual(at("ENTRYPOINT"), [`ENTRYPOINT ["${TWIN_PATHS.scripts}/entrypoint.sh"]`]);
    assert.doesNotMatch(dockerfile, /docker-entrypoint\.sh/);
  });

  it("runs both containers as the postgres user, without capabilities, and installs nothing at start", () => {
    for (const role of ["primary", "replica"] as const) {
      const c = container(role);
      assert.equal(c.inputs.user, "999:999");
      assert.deepEqual(c.inputs.capabilities, { drops: ["ALL"] });
      assert.deepEqual(c.inputs.securityOpts, ["no-new-privileges:true"]);
      assert.equal(c.inputs.entrypoints, undefined, "the image's entry point, not an override");
      for (const u of uploadsOf(c)) assert.deepEqual([u.owner, u.group], [POSTGRES_UID, POSTGRES_UID], u.file);
    }
    for (const script of SCRIPT_NAMES) {
      assert.doesNotMatch(readScript(script), /apt-get|gosu|su-exec|sudo|chown/, `${script} needs root`);
    }
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

  it("requires TLS: ssl on with the uploaded certificate, TLS ≥ 1.2, and an hba file that only accepts hostssl", () => {
    const primary = container("primary");
    const settings = parseSettings(primary.inputs.command as string[]);
    assert.equal(settings.get("ssl"), "on");
    assert.equal(settings.get("ssl_min_protocol_version"), "TLSv1.2");
    const files = filesOf(primary);
    assert.ok(files.has(settings.get("ssl_cert_file")!), "the certificate is uploaded where the server reads it");
    assert.equal(files.get(settings.get("ssl_key_file")!)?.permissions, "0400");
    const hba = files.get(settings.get("hba_file")!)!;
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
  });

  it("issues its own CA and, from it, a server certificate for localhost, 127.0.0.1 and both container names", () => {
    const caKey = one("tls:index/privateKey:PrivateKey", "twin-ca-key");
    const ca = one("tls:index/selfSignedCert:SelfSignedCert", "twin-ca");
    assert.equal(ca.inputs.isCaCertificate, true);
    assert.deepEqual(ca.inputs.allowedUses, ["cert_signing", "crl_signing"]);
    assert.ok(ca.secretInputs.includes("privateKeyPem"), "the CA key is an input only as a secret");
    assert.ok(ca.dependsOn.includes(caKey.urn));
    const csr = one("tls:index/certRequest:CertRequest", "twin-server-csr");
    assert.deepEqual(csr.inputs.dnsNames, ["localhost", "authdb-local-primary", "authdb-local-replica"]);
    assert.deepEqual(csr.inputs.ipAddresses, ["127.0.0.1"]);
    assert.ok(csr.secretInputs.includes("privateKeyPem"));
    const cert = one("tls:index/locallySignedCert:LocallySignedCert", "twin-server-cert");
    assert.ok(cert.secretInputs.includes("caPrivateKeyPem"));
    assert.match(String(cert.inputs.caCertPem), /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(cert.inputs.caCertPem, twinOutputs.caCertificate, "signed by the CA that is the output");
    assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "server_auth"]);
    assert.equal(cert.inputs.validityPeriodHours, 825 * 24);
    // Both servers present it; only the replica, which verifies the primary, gets the CA.
    for (const role of ["primary", "replica"] as const) {
      const files = filesOf(container(role));
      assert.match(files.get(`${TWIN_PATHS.tls}/server.crt`)!.content, /^-----BEGIN CERTIFICATE-----/);
      assert.match(files.get(`${TWIN_PATHS.tls}/server.key`)!.content, new RegExp(MOCK_SECRET_MARKER));
    }
    assert.equal(filesOf(container("replica")).get(`${TWIN_PATHS.tls}/ca.crt`)!.content, twinOutputs.caCertificate);
    assert.equal(filesOf(container("primary")).get(`${TWIN_PATHS.tls}/ca.crt`), undefined);
  });

  it("uploads to each container exactly the files it uses", () => {
    const s = (f: string) => `${TWIN_PATHS.scripts}/${f}`;
    const primary = filesOf(container("primary"));
    assert.deepEqual(
      [...primary.keys()].sort(),
      [
        s("entrypoint.sh"),
        s("init.sh"),
        s("rotate.sh"),
        `${TWIN_PATHS.config}/pg_hba.conf`,
        `${TWIN_PATHS.config}/pg_ident.conf`,
        `${TWIN_PATHS.config}/bootstrap.sql`,
        `${TWIN_PATHS.config}/run.psql`,
        `${TWIN_PATHS.tls}/server.crt`,
        `${TWIN_PATHS.tls}/server.key`,
        `${TWIN_PATHS.secrets}/${ADMINISTRATOR_VERIFIER_FILE}`,
        `${TWIN_PATHS.secrets}/application-scram-verifier`,
        `${TWIN_PATHS.secrets}/monitoring-scram-verifier`,
      ].sort(),
    );
    // The replica: the administrator's password (its .pgpass), the CA it verifies the primary with, its own server
    // certificate — no verifier, no bootstrap SQL, no init or rotation script.
    const replica = filesOf(container("replica"));
    assert.deepEqual(
      [...replica.keys()].sort(),
      [
        s("entrypoint.sh"),
        s("clone.sh"),
        `${TWIN_PATHS.config}/pg_hba.conf`,
        `${TWIN_PATHS.config}/pg_ident.conf`,
        `${TWIN_PATHS.tls}/ca.crt`,
        `${TWIN_PATHS.tls}/server.crt`,
        `${TWIN_PATHS.tls}/server.key`,
        `${TWIN_PATHS.secrets}/administrator-password`,
      ].sort(),
    );
    // The scripts are the repository's files, byte for byte, executable; secrets are readable by their owner only.
    for (const role of ["primary", "replica"] as const) {
      const files = filesOf(container(role));
      for (const script of SCRIPTS_OF[role]) {
        assert.equal(files.get(s(script))!.content, readScript(script));
        assert.equal(files.get(s(script))!.permissions, "0555");
      }
      for (const [path, f] of files)
        if (path.startsWith(TWIN_PATHS.secrets) || path.endsWith(".key")) assert.equal(f.permissions, "0400", path);
    }
  });

  it("the primary holds the administrator's verifier, never the password; the replica the password it logs in with", () => {
    const primary = filesOf(container("primary"));
    const adminVerifier = primary.get(`${TWIN_PATHS.secrets}/${ADMINISTRATOR_VERIFIER_FILE}`)!.content;
    assert.ok(verifierMatches(adminVerifier, `${MOCK_SECRET_MARKER}administrator`), adminVerifier);
    for (const f of primary.values())
      assert.ok(!f.content.includes(`${MOCK_SECRET_MARKER}administrator`), `${f.file} holds the cleartext`);
    assert.equal(
      filesOf(container("replica")).get(`${TWIN_PATHS.secrets}/administrator-password`)!.content,
      `${MOCK_SECRET_MARKER}administrator`,
    );
    const driver = primary.get(`${TWIN_PATHS.config}/run.psql`)!.content;
    assert.ok(driver.includes(`${TWIN_PATHS.secrets}/application-scram-verifier\``), driver);
    assert.ok(driver.includes(`${TWIN_PATHS.secrets}/monitoring-scram-verifier\``), driver);
    assert.equal(primary.get(`${TWIN_PATHS.config}/bootstrap.sql`)!.content, SQL);
    for (const role of ["application", "monitoring"]) {
      assert.equal(primary.get(`${TWIN_PATHS.secrets}/${role}-password`), undefined, `no container needs ${role}'s`);
      assert.equal(
        primary.get(`${TWIN_PATHS.secrets}/${role}-scram-verifier`)!.content,
        `${MOCK_SECRET_MARKER}verifier-${role}`,
      );
    }
    // The salt of the administrator's verifier is regenerated with every rotation.
    const salt = one("random:index/randomBytes:RandomBytes", "twin-administrator-scram-salt");
    assert.deepEqual(salt.inputs.keepers, { rotation: platform.passwords.rotation });
  });

  it("the environment carries names and paths only: no password variable, no *_PASSWORD_FILE for an entry point to export", () => {
    for (const role of ["primary", "replica"] as const) {
      const env = envOf(container(role));
      // As the policy reads names (a credential's name ends in what it holds), plus any *_PASSWORD_FILE and libpq's PG*.
      assert.deepEqual(
        [...env.keys()].filter((k) => /(PASSWORD|PASSWD|SECRET|TOKEN)$|PASSWORD_FILE$|^PG/.test(k)),
        [],
        `${role}: ${[...env.keys()].join(" ")}`,
      );
      assert.equal(env.get("AUTHDB_ROLE"), role);
      assert.equal(env.get("AUTHDB_ADMIN_LOGIN"), platform.local.administratorLogin);
      assert.equal(env.get("AUTHDB_SECRETS_DIR"), TWIN_PATHS.secrets);
      assert.equal(env.get("AUTHDB_LISTEN_ADDRESSES"), "*");
    }
    const primary = envOf(container("primary"));
    assert.equal(primary.get("AUTHDB_DATABASE"), platform.database.name);
    assert.equal(primary.get("AUTHDB_LOCALE"), platform.database.collation);
    const replica = envOf(container("replica"));
    assert.equal(replica.get("AUTHDB_PRIMARY_HOST"), container("primary").inputs.name);
    assert.equal(replica.get("AUTHDB_PRIMARY_PORT"), "5432");
    assert.equal(replica.get("AUTHDB_REPLICATION_SLOT"), REPLICATION_SLOT);
  });

  it("every variable a script reads is in its container's environment", () => {
    const optional = new Set(["AUTHDB_START_SECONDS", "AUTHDB_WAIT_SECONDS", "AUTHDB_VERIFIER_FILE"]);
    const read = (script: string) =>
      new Set(
        [...readScript(script as never).matchAll(/\bAUTHDB_[A-Z_]+\b/g)]
          .map((m) => m[0])
          .filter((v) => !optional.has(v)),
      );
    const envNames = (role: TwinRole) => new Set([...envOf(container(role)).keys()]);
    for (const role of ["primary", "replica"] as const) {
      for (const script of SCRIPTS_OF[role].filter((s) => s !== "entrypoint.sh"))
        for (const v of read(script)) assert.ok(envNames(role).has(v), `${script} reads ${v}, the ${role} lacks it`);
    }
    // The entry point serves both roles; each branch's variables are in that role's environment (checked by name).
    const both = new Set([...envNames("primary"), ...envNames("replica")]);
    for (const v of read("entrypoint.sh")) assert.ok(both.has(v), `entrypoint.sh reads ${v}, no container has it`);
    // And the entry point calls exactly the scripts its container receives.
    for (const role of ["primary", "replica"] as const)
      for (const script of SCRIPTS_OF[role].filter((s) => s !== "entrypoint.sh"))
        assert.match(readScript("entrypoint.sh"), new RegExp(`"\\$here/${script.replace(".", "\\.")}"`));
  });

  it("the replica depends on the primary, runs the same parameters and is healthy only as a standby", () => {
    const primary = container("primary");
    const replica = container("replica");
    assert.ok(replica.dependsOn.includes(primary.urn));
    assert.deepEqual(replica.inputs.command, primary.inputs.command);
    assert.deepEqual((primary.inputs.networksAdvanced as any)[0].aliases, [primary.inputs.name]);
    assert.equal((replica.inputs.networksAdvanced as any)[0].name, (primary.inputs.networksAdvanced as any)[0].name);
    assert.match((replica.inputs.healthcheck as any).tests[1], /pg_is_in_recovery/);
    // The primary counts as healthy only on TCP, which the socket-only set-up server does not open.
    assert.match((primary.inputs.healthcheck as any).tests[1], /pg_isready -q -h 127\.0\.0\.1/);
  });

  it("each container has its own data volume and nothing else mounted", () => {
    const vols = (c: CapturedResource) =>
      (c.inputs.volumes as Array<{ volumeName: string; containerPath: string }>).map(
        (v) => `${v.volumeName}:${v.containerPath}`,
      );
    assert.deepEqual(vols(container("primary")), ["authdb-local-primary-data:/var/lib/postgresql/data"]);
    assert.deepEqual(vols(container("replica")), ["authdb-local-replica-data:/var/lib/postgresql/data"]);
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

  it("no password, verifier or private key in any input that is not secret", () => {
    for (const r of run.resources) {
      const leaking = Object.keys(r.rawInputs).filter(
        (k) => JSON.stringify(r.rawInputs[k]).includes(MOCK_SECRET_MARKER) && !r.secretInputs.includes(k),
      );
      assert.deepEqual(leaking, [], `${r.name} holds a secret in plain inputs`);
    }
    for (const role of ["primary", "replica"] as const) assert.deepEqual(container(role).secretInputs, ["uploads"]);
    // The administrator's verifier is derived from the password in the program; it must stay secret too.
    const verifierUpload = uploadsOf(container("primary")).find((u) => u.file.endsWith(ADMINISTRATOR_VERIFIER_FILE))!;
    assert.ok(!JSON.stringify(container("primary").inputs).includes(verifierUpload.content));
  });

  it("outputs localhost, the published ports and the CA certificate (not secret)", () => {
    assert.equal(twinOutputs.primaryHost, "localhost");
    assert.equal(twinOutputs.primaryPort, platform.local.primaryPort);
    assert.equal(twinOutputs.replicaHost, "localhost");
    assert.equal(twinOutputs.replicaPort, platform.local.replicaPort);
    assert.equal(twinOutputs.primaryContainerName, "authdb-local-primary");
    assert.equal(twinOutputs.replicaContainerName, "authdb-local-replica");
    assert.match(
      String(twinOutputs.caCertificate),
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/,
    );
    assert.ok(!run.secretOutputs.includes("caCertificate"));
  });
});

describe("local stack outputs (the committed Pulumi.local.yaml, mocks)", () => {
  let stack: OfflineRun;
  before(async () => {
    stack = await runStackFile("local");
  });

  it("clients verify the twin like Azure: sslMode verify-full, caCertificates the twin's CA, the JDBC URL too", () => {
    const out = stack.outputs as Record<string, any>;
    assert.equal(out.sslMode, "verify-full");
    const caResource = stack.resources.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")!;
    assert.equal(caResource.inputs.isCaCertificate, true);
    const server = stack.resources.find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert")!;
    assert.equal(
      out.caCertificates,
      server.inputs.caCertPem,
      "the output is the CA that signed the server certificate",
    );
    assert.match(String(out.caCertificates), /^-----BEGIN CERTIFICATE-----/);
    assert.ok(!stack.secretOutputs.includes("caCertificates"));
    assert.equal(out.jdbcUrl, "jdbc:postgresql://localhost:55432/phonebill_auth?sslmode=verify-full");
  });
});

describe("local twin: pure parts", () => {
  it("the command line round-trips through parseSettings, values with '=' and ',' intact", () => {
    const settings = parseSettings(postgresCommand());
    assert.equal(settings.get("log_line_prefix"), "%t-%c-user=%u,db=%d,app=%a,client=%h");
    assert.equal(postgresCommand()[0], "postgres");
  });

  it("the command's paths follow the layout it is given (the integration test's temporary directories)", () => {
    const paths = { ...TWIN_PATHS, tls: "/tmp/x/tls", config: "/tmp/x/config" };
    const settings = parseSettings(postgresCommand(paths));
    assert.equal(settings.get("ssl_cert_file"), "/tmp/x/tls/server.crt");
    assert.equal(settings.get("hba_file"), "/tmp/x/config/pg_hba.conf");
    assert.ok(twinEnv("replica", paths, {} as never).includes("AUTHDB_TLS_DIR=/tmp/x/tls"));
  });

  it("the hba file rejects plain TCP before any hostssl rule", () => {
    const lines = pgHbaConf().split("\n");
    const firstReject = lines.findIndex((l) => l.startsWith("hostnossl"));
    const firstSsl = lines.findIndex((l) => l.startsWith("hostssl"));
    assert.ok(firstReject > 0 && firstReject < firstSsl);
  });
});
