/**
 * The local Docker twin: an image built from infra/local-twin/image (the configured postgres image plus pgaudit), a
 * network, two data volumes, the twin's own CA with a server certificate it issued, a PostgreSQL 15 primary started
 * with the declared parameter set (TLS only, SCRAM only) and the bootstrap SQL applied, and a streaming replica.
 *
 * The containers run as the postgres user and install nothing. What they run is the shell in infra/local-twin/scripts,
 * read here and uploaded; every other file they need (configuration, certificate, key, verifiers, one password) is an
 * upload too, and each container gets only the files it uses. No password or verifier is an environment variable or a
 * command-line argument: the official image's docker-entrypoint.sh, which would export one, is not used at all. The
 * parameters are `-c` arguments on the command line, so `docker inspect` shows exactly what runs.
 *
 * The file set, the environment and the command are pure functions of a directory layout (`TwinPaths`): the component
 * calls them with the container's paths, the integration test with temporary directories, and runs the same scripts.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { Container } from "@pulumi/docker/container.js";
import { Image } from "@pulumi/docker/image.js";
import { Network } from "@pulumi/docker/network.js";
import { Volume } from "@pulumi/docker/volume.js";
import type * as dockerInputs from "@pulumi/docker/types/input.js";
import type { LocalPlatform } from "../config/platform.js";
import {
  type BootstrapTarget,
  VERIFIER_ROLES,
  type VerifierRole,
  bootstrapDriver,
  passwordFileName,
  verifierFileName,
} from "../bootstrap.js";
import { parametersFor, selfManagedValue } from "../parameters.js";
import { SCRAM_SALT_BYTES, scramVerifier } from "../scram.js";
import { POSTGRES_PORT, type PasswordRole } from "../types.js";

export type TwinRole = "primary" | "replica";

export interface LocalTwinArgs {
  readonly platform: LocalPlatform;
  readonly passwords: Readonly<Record<PasswordRole, pulumi.Output<string>>>;
  /** SCRAM verifiers of the database roles, which the bootstrap sets instead of the passwords. */
  readonly verifiers: Readonly<Record<VerifierRole, pulumi.Output<string>>>;
  /** Role names the bootstrap creates. */
  readonly logins: { readonly application: string; readonly monitoring: string };
  /** Contents of sql/bootstrap.sql. */
  readonly bootstrapSql: string;
}

/** Where each kind of file lives; the scripts take every one of these from the environment. */
export interface TwinPaths {
  /** The uploaded scripts (entrypoint.sh and the ones it calls). */
  readonly scripts: string;
  /** pg_hba.conf, pg_ident.conf; the primary's bootstrap.sql and run.psql. */
  readonly config: string;
  /** Verifiers (primary) or the administrator's password (replica). */
  readonly secrets: string;
  /** server.crt, server.key, ca.crt. */
  readonly tls: string;
  readonly data: string;
  readonly socket: string;
  /** The replica's libpq passfile, written at every start from the uploaded password. */
  readonly passfile: string;
}

/** Inside the containers (Debian-based official image). */
export const TWIN_PATHS: TwinPaths = {
  scripts: "/usr/local/lib/authdb",
  config: "/etc/authdb",
  secrets: "/run/authdb/secrets",
  tls: "/etc/authdb/tls",
  data: "/var/lib/postgresql/data",
  socket: "/var/run/postgresql",
  passfile: "/var/lib/postgresql/.pgpass",
};

/** The image's build context (relative to the project directory, where Pulumi runs the program). */
export const IMAGE_CONTEXT = "infra/local-twin/image";
export const DOCKERFILE_URL = new URL("./image/Dockerfile", import.meta.url);

export const SCRIPT_NAMES = ["entrypoint.sh", "init.sh", "rotate.sh", "clone.sh"] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];
/** The scripts each container runs: entrypoint.sh calls init.sh and rotate.sh on the primary, clone.sh on the replica. */
export const SCRIPTS_OF: Readonly<Record<TwinRole, readonly ScriptName[]>> = {
  primary: ["entrypoint.sh", "init.sh", "rotate.sh"],
  replica: ["entrypoint.sh", "clone.sh"],
};
export const SCRIPTS_URL = new URL("./scripts/", import.meta.url);
export const readScript = (script: ScriptName): string => readFileSync(new URL(script, SCRIPTS_URL), "utf8");

/** The administrator's verifier: initdb's --pwfile and the rotation read it (the name follows verifierFileName's). */
export const ADMINISTRATOR_VERIFIER_FILE = "administrator-scram-verifier";

/** uid/gid of the postgres user in the official Debian-based images (the Dockerfile's build checks it). */
export const POSTGRES_UID = "999";
export const REPLICATION_SLOT = "replica1";

/** Validity of the twin's CA and of the server certificate it issues (825 days: the longest macOS accepts). */
export const CA_VALIDITY_HOURS = 10 * 365 * 24;
export const SERVER_CERT_VALIDITY_HOURS = 825 * 24;
/** `pulumi up` issues a new server certificate once the old one is this close to expiry. */
export const SERVER_CERT_EARLY_RENEWAL_HOURS = 30 * 24;

export const containerNames = (networkName: string): Readonly<Record<TwinRole, string>> => ({
  primary: `${networkName}-primary`,
  replica: `${networkName}-replica`,
});

/**
 * The names the server certificate is valid for: what clients on this machine use (localhost, 127.0.0.1 — the ports
 * are published on loopback) and what the replica uses on the Docker network (the primary's container name). Both
 * containers serve it.
 */
export function serverCertificateNames(networkName: string): { dnsNames: string[]; ipAddresses: string[] } {
  const names = containerNames(networkName);
  return { dnsNames: ["localhost", names.primary, names.replica], ipAddresses: ["127.0.0.1"] };
}

/**
 * Settings the twin adds to the declared set: what Azure does for us (TLS, replication, client authentication) and a
 * self-managed server has to be told. Where the server listens (data directory, port, socket, addresses) comes from
 * the environment (entrypoint.sh). Together with the declared parameters this is the whole command line.
 */
export function twinOnlySettings(paths: TwinPaths = TWIN_PATHS): Array<[string, string]> {
  return [
    ["ssl", "on"],
    ["ssl_cert_file", `${paths.tls}/server.crt`],
    ["ssl_key_file", `${paths.tls}/server.key`],
    ["hba_file", `${paths.config}/pg_hba.conf`],
    ["ident_file", `${paths.config}/pg_ident.conf`],
    ["password_encryption", "scram-sha-256"],
    ["wal_level", "replica"],
    ["max_wal_senders", "10"],
    ["max_replication_slots", "10"],
    ["hot_standby", "on"],
  ];
}
export const TWIN_ONLY_SETTINGS: ReadonlyArray<readonly [string, string]> = twinOnlySettings();

/** The declared parameters that exist on a self-managed server, as `[name, value]` in declaration order. */
export function declaredSettings(): Array<[string, string]> {
  return parametersFor("selfManaged").map((p) => [p.name, selfManagedValue(p)]);
}

/** `postgres -c name=value …`: the declared set first, then the twin's own settings. */
export function postgresCommand(paths: TwinPaths = TWIN_PATHS): string[] {
  const settings = [...declaredSettings(), ...twinOnlySettings(paths)];
  const names = settings.map(([n]) => n);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`${duplicate} is both declared and set by the local twin`);
  return ["postgres", ...settings.flatMap(([n, v]) => ["-c", `${n}=${v}`])];
}

/** Parses `-c name=value` pairs back out of a postgres command line (for tests and `docker inspect` readers). */
export function parseSettings(command: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < command.length; i++) {
    if (command[i] !== "-c") continue;
    const arg = command[++i] ?? "";
    const eq = arg.indexOf("=");
    out.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return out;
}

/**
 * TLS required, as `require_secure_transport=ON` does on Azure: every TCP connection (including replication) must be
 * hostssl with SCRAM; plain TCP is rejected explicitly. The Unix socket, reachable only inside the container, admits
 * the OS user postgres as the administrator (peer map), which the scripts and `docker exec` use.
 */
export function pgHbaConf(): string {
  return [
    "# TYPE     DATABASE     USER  ADDRESS     METHOD",
    "local      all          all               peer map=authdb",
    "hostnossl  all          all   all         reject",
    "hostnossl  replication  all   all         reject",
    "hostssl    all          all   all         scram-sha-256",
    "hostssl    replication  all   all         scram-sha-256",
    "",
  ].join("\n");
}

export function pgIdentConf(administratorLogin: string): string {
  return ["# MAPNAME  SYSTEM-USERNAME  PG-USERNAME", `authdb      postgres         ${administratorLogin}`, ""].join(
    "\n",
  );
}

/** One file a container receives. */
export interface TwinFile<T> {
  readonly path: string;
  readonly content: T | string;
  /** 0400 for keys, verifiers and passwords (readable by the postgres user only). */
  readonly mode: "0400" | "0444" | "0555";
}

/** What goes into the files; `T` is `pulumi.Input<string>` in the component and `string` in the integration test. */
export interface TwinFileContents<T> {
  readonly administratorLogin: string;
  readonly bootstrapSql: string;
  readonly bootstrap: BootstrapTarget;
  /** The replica's only secret: it logs in to the primary for the base backup and for streaming. */
  readonly administratorPassword: T;
  /** The primary's: initdb and the rotation set the administrator's password from it. */
  readonly administratorVerifier: T;
  readonly verifiers: Readonly<Record<VerifierRole, T>>;
  readonly serverCertPem: T;
  readonly serverKeyPem: T;
  /** Only the replica verifies a server (the primary, with verify-full). */
  readonly caCertPem: T;
}

/** The files of one container, each only where it is used. */
export function twinFiles<T>(role: TwinRole, paths: TwinPaths, c: TwinFileContents<T>): Array<TwinFile<T>> {
  const files: Array<TwinFile<T>> = [
    ...SCRIPTS_OF[role].map((s) => ({ path: `${paths.scripts}/${s}`, content: readScript(s), mode: "0555" as const })),
    { path: `${paths.config}/pg_hba.conf`, content: pgHbaConf(), mode: "0444" },
    { path: `${paths.config}/pg_ident.conf`, content: pgIdentConf(c.administratorLogin), mode: "0444" },
    { path: `${paths.tls}/server.crt`, content: c.serverCertPem, mode: "0444" },
    // PostgreSQL refuses a key that anyone but its owner can read.
    { path: `${paths.tls}/server.key`, content: c.serverKeyPem, mode: "0400" },
  ];
  if (role === "primary") {
    files.push(
      { path: `${paths.config}/bootstrap.sql`, content: c.bootstrapSql, mode: "0444" },
      {
        path: `${paths.config}/run.psql`,
        content: bootstrapDriver(paths.secrets, `${paths.config}/bootstrap.sql`, c.bootstrap),
        mode: "0444",
      },
      { path: `${paths.secrets}/${ADMINISTRATOR_VERIFIER_FILE}`, content: c.administratorVerifier, mode: "0400" },
      ...VERIFIER_ROLES.map((r) => ({
        path: `${paths.secrets}/${verifierFileName(r)}`,
        content: c.verifiers[r],
        mode: "0400" as const,
      })),
    );
  } else {
    files.push(
      { path: `${paths.tls}/ca.crt`, content: c.caCertPem, mode: "0444" },
      {
        path: `${paths.secrets}/${passwordFileName("administrator")}`,
        content: c.administratorPassword,
        mode: "0400",
      },
    );
  }
  return files;
}

export interface TwinEnvSettings {
  /** TCP addresses the server listens on once set up ('*' in the container; 127.0.0.1 in tests). */
  readonly listenAddresses: string;
  readonly port: number;
  readonly administratorLogin: string;
  readonly database: string;
  readonly encoding: string;
  readonly locale: string;
  readonly primaryHost: string;
  readonly primaryPort: number;
  readonly replicationSlot: string;
}

/** The environment of a container's entry point: names and paths only, never a secret. */
export function twinEnv(role: TwinRole, paths: TwinPaths, s: TwinEnvSettings): string[] {
  const env = [
    `AUTHDB_ROLE=${role}`,
    `AUTHDB_DATA_DIR=${paths.data}`,
    `AUTHDB_CONFIG_DIR=${paths.config}`,
    `AUTHDB_SECRETS_DIR=${paths.secrets}`,
    `AUTHDB_TLS_DIR=${paths.tls}`,
    `AUTHDB_SOCKET_DIR=${paths.socket}`,
    `AUTHDB_LISTEN_ADDRESSES=${s.listenAddresses}`,
    `AUTHDB_PORT=${s.port}`,
    `AUTHDB_ADMIN_LOGIN=${s.administratorLogin}`,
  ];
  if (role === "primary") {
    env.push(`AUTHDB_DATABASE=${s.database}`, `AUTHDB_ENCODING=${s.encoding}`, `AUTHDB_LOCALE=${s.locale}`);
  } else {
    env.push(
      `AUTHDB_PRIMARY_HOST=${s.primaryHost}`,
      `AUTHDB_PRIMARY_PORT=${s.primaryPort}`,
      `AUTHDB_REPLICATION_SLOT=${s.replicationSlot}`,
      `AUTHDB_PASSFILE=${paths.passfile}`,
    );
  }
  return env;
}

/** A Docker tag from the base image reference (`postgres:15.10-bookworm` → `postgres-15.10-bookworm`). */
export const imageTag = (baseImage: string): string => baseImage.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 128);

export class LocalTwin extends pulumi.ComponentResource {
  readonly primaryContainerName!: pulumi.Output<string>;
  readonly primaryContainerId!: pulumi.Output<string>;
  readonly replicaContainerName!: pulumi.Output<string>;
  readonly replicaContainerId!: pulumi.Output<string>;
  /** Host name an application on the developer's machine uses (localhost: ports are published). */
  readonly primaryHost!: pulumi.Output<string>;
  readonly primaryPort!: pulumi.Output<number>;
  readonly replicaHost!: pulumi.Output<string>;
  readonly replicaPort!: pulumi.Output<number>;
  /** PEM of the twin's CA: what clients verify both servers against (sslrootcert, sslmode=verify-full). */
  readonly caCertificate!: pulumi.Output<string>;

  constructor(name: string, args: LocalTwinArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:local:Twin", name, {}, opts);
    const local = args.platform.local;
    const db = args.platform.database;
    const names = containerNames(local.networkName);
    const rotation = { rotation: args.platform.passwords.rotation };

    // --- The twin's CA and the server certificate it issues. Keys are Pulumi secrets (encrypted in state, D47);
    // pulumi.secret also under mocks, where the provider's own secret marking does not apply.
    const keyArgs = { algorithm: "ECDSA", ecdsaCurve: "P256" };
    const caKey = new tls.PrivateKey(`${name}-ca-key`, keyArgs, { parent: this });
    const caKeyPem = pulumi.secret(caKey.privateKeyPem);
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKeyPem,
        isCaCertificate: true,
        allowedUses: ["cert_signing", "crl_signing"],
        subject: { commonName: `${local.networkName} twin CA`, organization: "authdb" },
        validityPeriodHours: CA_VALIDITY_HOURS,
      },
      { parent: this },
    );
    const serverKey = new tls.PrivateKey(`${name}-server-key`, keyArgs, { parent: this });
    const serverKeyPem = pulumi.secret(serverKey.privateKeyPem);
    const csr = new tls.CertRequest(
      `${name}-server-csr`,
      {
        privateKeyPem: serverKeyPem,
        subject: { commonName: names.primary, organization: "authdb" },
        ...serverCertificateNames(local.networkName),
      },
      { parent: this },
    );
    const serverCert = new tls.LocallySignedCert(
      `${name}-server-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caCertPem: ca.certPem,
        caPrivateKeyPem: caKeyPem,
        // ECDSA keys sign; they do not encipher keys.
        allowedUses: ["digital_signature", "server_auth"],
        validityPeriodHours: SERVER_CERT_VALIDITY_HOURS,
        earlyRenewalHours: SERVER_CERT_EARLY_RENEWAL_HOURS,
      },
      { parent: this },
    );

    // The administrator's verifier, so the primary never holds the cleartext (init.sh, rotate.sh); a fresh salt with
    // every rotation, as for the other roles (infra/secrets/passwords.ts).
    const adminSalt = new random.RandomBytes(
      `${name}-administrator-scram-salt`,
      { length: SCRAM_SALT_BYTES, keepers: rotation },
      { parent: this },
    );
    const administratorVerifier = pulumi.secret(
      pulumi
        .all([args.passwords.administrator, adminSalt.base64])
        .apply(([password, salt]) => scramVerifier(password, Buffer.from(salt, "base64"))),
    );

    // --- The image: built once from the Dockerfile, never pushed. Containers take its id (repoDigest of a local
    // image), so a rebuild replaces them.
    const image = new Image(
      `${name}-image`,
      {
        imageName: `${local.networkName}-postgres:${imageTag(local.image)}`,
        build: { context: IMAGE_CONTEXT, args: { BASE_IMAGE: local.image } },
        skipPush: true,
        buildOnPreview: false,
      },
      { parent: this },
    );
    const network = new Network(`${name}-network`, { name: local.networkName, driver: "bridge" }, { parent: this });
    const volume = (what: string) =>
      new Volume(`${name}-${what}`, { name: `${local.networkName}-${what}` }, { parent: this });

    const contents: TwinFileContents<pulumi.Input<string>> = {
      administratorLogin: local.administratorLogin,
      bootstrapSql: args.bootstrapSql,
      bootstrap: {
        database: db.name,
        applicationLogin: args.logins.application,
        monitoringLogin: args.logins.monitoring,
      },
      administratorPassword: args.passwords.administrator,
      administratorVerifier,
      verifiers: args.verifiers,
      serverCertPem: serverCert.certPem,
      serverKeyPem,
      caCertPem: ca.certPem,
    };
    // Uploads are written into the container before it starts, owned by the postgres user; their contents are in the
    // state (secrets encrypted), never in `docker inspect`.
    const uploads = (role: TwinRole): dockerInputs.ContainerUpload[] =>
      twinFiles(role, TWIN_PATHS, contents).map((f) => ({
        file: f.path,
        content: f.content,
        owner: POSTGRES_UID,
        group: POSTGRES_UID,
        permissions: f.mode,
      }));
    const envSettings: TwinEnvSettings = {
      listenAddresses: "*",
      port: POSTGRES_PORT,
      administratorLogin: local.administratorLogin,
      database: db.name,
      encoding: db.charset,
      locale: db.collation,
      primaryHost: names.primary,
      primaryPort: POSTGRES_PORT,
      replicationSlot: REPLICATION_SLOT,
    };
    const command = postgresCommand(TWIN_PATHS);
    const container = (role: TwinRole, hostPort: number, healthcheck: string, deps: pulumi.Resource[]) =>
      new Container(
        `${name}-${role}`,
        {
          name: names[role],
          hostname: names[role],
          image: image.repoDigest,
          // The image's USER, stated again so that no other image can make this root; the entry point is the image's.
          user: `${POSTGRES_UID}:${POSTGRES_UID}`,
          command,
          envs: twinEnv(role, TWIN_PATHS, envSettings),
          uploads: uploads(role),
          networksAdvanced: [{ name: network.name, aliases: [names[role]] }],
          // Published on the loopback interface only: the twin is for this machine, not the LAN.
          ports: [{ internal: POSTGRES_PORT, external: hostPort, ip: "127.0.0.1" }],
          volumes: [{ volumeName: volume(`${role}-data`).name, containerPath: TWIN_PATHS.data }],
          healthcheck: {
            tests: ["CMD-SHELL", healthcheck],
            interval: "5s",
            timeout: "5s",
            retries: 12,
            startPeriod: "120s",
          },
          // `pulumi up` returns once the server is healthy (the first start runs initdb or the base backup).
          wait: true,
          waitTimeout: 300,
          restart: "unless-stopped",
          stopSignal: "SIGINT",
          stopTimeout: 60,
          // A non-root PostgreSQL needs no capability and must never gain one.
          capabilities: { drops: ["ALL"] },
          securityOpts: ["no-new-privileges:true"],
          labels: [
            { label: "app.kubernetes.io/part-of", value: "authdb" },
            { label: "authdb.role", value: role },
          ],
        },
        // Fixed container names, published ports and a data directory must never be held by two containers at once.
        { parent: this, deleteBeforeReplace: true, dependsOn: deps },
      );

    // Healthy means accepting TCP connections: the socket-only set-up server (rotation, bootstrap) does not count.
    const primary = container("primary", local.primaryPort, `pg_isready -q -h 127.0.0.1 -p ${POSTGRES_PORT}`, []);
    // Healthy means accepting connections *as a standby* (over the socket, as the administrator through the peer map).
    const replica = container(
      "replica",
      local.replicaPort,
      `psql -X -qtA -h "$AUTHDB_SOCKET_DIR" -p "$AUTHDB_PORT" -U "$AUTHDB_ADMIN_LOGIN" -d postgres -c 'SELECT pg_is_in_recovery()' | grep -qx t`,
      [primary],
    );

    this.primaryContainerName = primary.name;
    this.primaryContainerId = primary.id;
    this.replicaContainerName = replica.name;
    this.replicaContainerId = replica.id;
    this.primaryHost = pulumi.output("localhost");
    this.primaryPort = pulumi.output(local.primaryPort);
    this.replicaHost = pulumi.output("localhost");
    this.replicaPort = pulumi.output(local.replicaPort);
    this.caCertificate = ca.certPem;
    this.registerOutputs({
      primaryContainerName: this.primaryContainerName,
      primaryContainerId: this.primaryContainerId,
      replicaContainerName: this.replicaContainerName,
      replicaContainerId: this.replicaContainerId,
      primaryHost: this.primaryHost,
      primaryPort: this.primaryPort,
      replicaHost: this.replicaHost,
      replicaPort: this.replicaPort,
      caCertificate: this.caCertificate,
    });
  }
}
