/**
 * The local Docker twin: a network, volumes, a PostgreSQL 15 primary started with the declared parameter set (TLS
 * required, generated self-signed certificate), a streaming replica, generated passwords and the bootstrap SQL applied.
 *
 * Everything the containers need beyond the stock postgres image arrives as uploaded files (configuration, scripts,
 * password files), so no password is ever an environment variable or a command-line argument, and the image needs no
 * custom build. The parameters are `-c` arguments on the command line: `docker inspect` shows exactly what runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Container } from "@pulumi/docker/container.js";
import { Network } from "@pulumi/docker/network.js";
import { RemoteImage } from "@pulumi/docker/remoteImage.js";
import { Volume } from "@pulumi/docker/volume.js";
import type * as dockerInputs from "@pulumi/docker/types/input.js";
import type { LocalPlatform } from "../config/platform.js";
import {
  VERIFIER_ROLES,
  type VerifierRole,
  bootstrapDriver,
  passwordFileName,
  verifierFileName,
} from "../bootstrap.js";
import { parametersFor, selfManagedValue } from "../parameters.js";
import { POSTGRES_PORT, type PasswordRole } from "../types.js";

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

/** Inside the containers. */
export const TWIN_PATHS = {
  config: "/etc/authdb",
  secrets: "/run/authdb/secrets",
  tls: "/var/lib/postgresql/tls",
  data: "/var/lib/postgresql/data",
  entrypoint: "/usr/local/bin/authdb-entrypoint.sh",
  initHook: "/docker-entrypoint-initdb.d/50-authdb-bootstrap.sh",
} as const;

/** uid/gid of the postgres user in the official Debian-based images; uploads are owned by it so psql can read them. */
const POSTGRES_UID = "999";
export const REPLICATION_SLOT = "replica1";

/**
 * Settings the twin adds to the declared set: what Azure does for us (TLS, replication, client authentication) and a
 * self-managed server has to be told. Together with the declared parameters this is the whole command line.
 */
export const TWIN_ONLY_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ["ssl", "on"],
  ["ssl_cert_file", `${TWIN_PATHS.tls}/server.crt`],
  ["ssl_key_file", `${TWIN_PATHS.tls}/server.key`],
  ["hba_file", `${TWIN_PATHS.config}/pg_hba.conf`],
  ["ident_file", `${TWIN_PATHS.config}/pg_ident.conf`],
  ["password_encryption", "scram-sha-256"],
  ["wal_level", "replica"],
  ["max_wal_senders", "10"],
  ["max_replication_slots", "10"],
  ["hot_standby", "on"],
];

/** The declared parameters that exist on a self-managed server, as `[name, value]` in declaration order. */
export function declaredSettings(): Array<[string, string]> {
  return parametersFor("selfManaged").map((p) => [p.name, selfManagedValue(p)]);
}

/** `postgres -c name=value …`: the declared set first, then the twin's own settings. */
export function postgresCommand(): string[] {
  const settings = [...declaredSettings(), ...TWIN_ONLY_SETTINGS];
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
 * the OS user postgres as the administrator (peer map), which the init and rotation scripts use.
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

/**
 * Entry point of both containers (runs as root, then hands over to the image's own docker-entrypoint.sh, which drops
 * to the postgres user):
 * - installs pgaudit from the image's PGDG apt source when missing (the stock image lacks it; the declared
 *   shared_preload_libraries needs it),
 * - primary: generates the self-signed server certificate once (kept in the tls volume, the key never leaves it); on an
 *   existing cluster applies the administrator password and the bootstrap SQL on a socket-only temporary server, so a
 *   rotation or SQL change (both replace the container) reaches the database before any client can connect,
 * - replica: clones the primary with pg_basebackup over TLS into an empty data directory, with a replication slot.
 */
export const ENTRYPOINT_SCRIPT = `#!/usr/bin/env bash
set -Eeuo pipefail

secret() { cat "$AUTHDB_SECRETS_DIR/$1-password"; }

ensure_pgaudit() {
  if [ ! -e "/usr/share/postgresql/$PG_MAJOR/extension/pgaudit.control" ]; then
    echo "authdb: installing postgresql-$PG_MAJOR-pgaudit"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$PG_MAJOR-pgaudit" >/dev/null
    rm -rf /var/lib/apt/lists/*
  fi
}

ensure_certificate() {
  mkdir -p "$AUTHDB_TLS_DIR"
  if [ ! -s "$AUTHDB_TLS_DIR/server.crt" ]; then
    echo "authdb: generating a self-signed server certificate for $AUTHDB_CERT_SANS"
    openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 825 -subj "/CN=$AUTHDB_PRIMARY_HOST" \\
      -addext "subjectAltName=$AUTHDB_CERT_SANS" \\
      -keyout "$AUTHDB_TLS_DIR/server.key" -out "$AUTHDB_TLS_DIR/server.crt.tmp"
    mv "$AUTHDB_TLS_DIR/server.crt.tmp" "$AUTHDB_TLS_DIR/server.crt"
  fi
  chown -R postgres:postgres "$AUTHDB_TLS_DIR"
  chmod 600 "$AUTHDB_TLS_DIR/server.key"
  chmod 644 "$AUTHDB_TLS_DIR/server.crt"
}

apply_bootstrap() {
  gosu postgres psql -X -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$AUTHDB_CONFIG_DIR/run.psql"
}

rotate_and_bootstrap() {
  # The same socket-only temporary server the image uses for initdb scripts: no TCP client sees a half-applied state.
  local opts
  opts="$(printf '%q ' "\${@:2}") -c listen_addresses=''"
  gosu postgres pg_ctl -D "$PGDATA" -w -t 300 -o "$opts" start
  gosu postgres psql -X -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -v admin_login="$POSTGRES_USER" <<'SQL'
SET pgaudit.log = 'none';
SET log_statement = 'none';
\\set admin_password \`cat "$AUTHDB_SECRETS_DIR/administrator-password"\`
ALTER ROLE :"admin_login" PASSWORD :'admin_password';
SQL
  apply_bootstrap
  gosu postgres pg_ctl -D "$PGDATA" -m fast -w stop
}

clone_primary() {
  local conninfo="host=$AUTHDB_PRIMARY_HOST port=$POSTGRES_PORT user=$POSTGRES_USER sslmode=require"
  until gosu postgres pg_isready -q -d "$conninfo"; do echo "authdb: waiting for $AUTHDB_PRIMARY_HOST"; sleep 2; done
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  # A slot left by an earlier replica of a wiped volume would make -C fail.
  gosu postgres psql -X -v ON_ERROR_STOP=1 -d "$conninfo dbname=postgres" -c \\
    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$AUTHDB_REPLICATION_SLOT' AND NOT active"
  gosu postgres pg_basebackup -d "$conninfo" -D "$PGDATA" -R -X stream -C -S "$AUTHDB_REPLICATION_SLOT" --no-password
}

write_pgpass() {
  # libpq (psql, pg_basebackup, the walreceiver) reads the administrator password from here: never argv or env. Rewritten
  # at every start, so a rotated password reaches replication too.
  printf '*:*:*:%s:%s\\n' "$POSTGRES_USER" "$(secret administrator)" > /var/lib/postgresql/.pgpass
  chown postgres:postgres /var/lib/postgresql/.pgpass && chmod 600 /var/lib/postgresql/.pgpass
}

ensure_pgaudit
case "$AUTHDB_ROLE" in
  primary)
    ensure_certificate
    if [ -s "$PGDATA/PG_VERSION" ]; then rotate_and_bootstrap "$@"; fi
    ;;
  replica)
    write_pgpass
    until [ -s "$AUTHDB_TLS_DIR/server.crt" ]; do sleep 1; done
    if [ ! -s "$PGDATA/PG_VERSION" ]; then clone_primary; fi
    ;;
  *) echo "authdb: AUTHDB_ROLE must be primary or replica" >&2; exit 64 ;;
esac
exec docker-entrypoint.sh "$@"
`;

/** Runs once, when the image's entrypoint initialises an empty data directory (the first start of the primary). */
export const INIT_HOOK_SCRIPT = `#!/usr/bin/env bash
set -Eeuo pipefail
psql -X -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$AUTHDB_CONFIG_DIR/run.psql"
`;

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

  constructor(name: string, args: LocalTwinArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:local:Twin", name, {}, opts);
    const local = args.platform.local;
    const db = args.platform.database;
    const primaryName = `${local.networkName}-primary`;
    const replicaName = `${local.networkName}-replica`;

    const image = new RemoteImage(`${name}-image`, { name: local.image, keepLocally: true }, { parent: this });
    const network = new Network(`${name}-network`, { name: local.networkName, driver: "bridge" }, { parent: this });
    const volume = (what: string) =>
      new Volume(`${name}-${what}`, { name: `${local.networkName}-${what}` }, { parent: this });
    const primaryData = volume("primary-data");
    const replicaData = volume("replica-data");
    const tls = volume("tls");

    const textFile = (
      file: string,
      content: pulumi.Input<string>,
      permissions = "0444",
    ): dockerInputs.ContainerUpload => ({
      file,
      content,
      owner: POSTGRES_UID,
      group: POSTGRES_UID,
      permissions,
    });
    const common: dockerInputs.ContainerUpload[] = [
      textFile(TWIN_PATHS.entrypoint, ENTRYPOINT_SCRIPT, "0555"),
      textFile(`${TWIN_PATHS.config}/pg_hba.conf`, pgHbaConf()),
      textFile(`${TWIN_PATHS.config}/pg_ident.conf`, pgIdentConf(local.administratorLogin)),
      // Readable by the postgres user only; the upload content is a Pulumi secret, encrypted in state. Both containers
      // need the administrator's password (initdb, replication); no container needs the role passwords themselves.
      textFile(`${TWIN_PATHS.secrets}/${passwordFileName("administrator")}`, args.passwords.administrator, "0400"),
    ];
    // Only the primary runs the bootstrap, so only it gets the verifiers.
    const verifierFiles = VERIFIER_ROLES.map((role) =>
      textFile(`${TWIN_PATHS.secrets}/${verifierFileName(role)}`, args.verifiers[role], "0400"),
    );
    const env = (role: "primary" | "replica"): string[] => [
      `AUTHDB_ROLE=${role}`,
      `AUTHDB_PRIMARY_HOST=${primaryName}`,
      `AUTHDB_CERT_SANS=DNS:localhost,IP:127.0.0.1,DNS:${primaryName},DNS:${replicaName}`,
      `AUTHDB_CONFIG_DIR=${TWIN_PATHS.config}`,
      `AUTHDB_SECRETS_DIR=${TWIN_PATHS.secrets}`,
      `AUTHDB_TLS_DIR=${TWIN_PATHS.tls}`,
      `AUTHDB_REPLICATION_SLOT=${REPLICATION_SLOT}`,
      `POSTGRES_PORT=${POSTGRES_PORT}`,
      `POSTGRES_USER=${local.administratorLogin}`,
      `POSTGRES_DB=${db.name}`,
      `PGDATA=${TWIN_PATHS.data}`,
    ];
    const command = postgresCommand();
    const container = (
      role: "primary" | "replica",
      extra: {
        containerName: string;
        hostPort: number;
        data: Volume;
        uploads: dockerInputs.ContainerUpload[];
        envs: string[];
        healthcheck: string;
        deps: pulumi.Resource[];
      },
    ) =>
      new Container(
        `${name}-${role}`,
        {
          name: extra.containerName,
          hostname: extra.containerName,
          image: image.imageId,
          entrypoints: [TWIN_PATHS.entrypoint],
          command,
          envs: [...env(role), ...extra.envs],
          uploads: [...common, ...extra.uploads],
          networksAdvanced: [{ name: network.name, aliases: [extra.containerName] }],
          // Published on the loopback interface only: the twin is for this machine, not the LAN.
          ports: [{ internal: POSTGRES_PORT, external: extra.hostPort, ip: "127.0.0.1" }],
          volumes: [
            { volumeName: extra.data.name, containerPath: TWIN_PATHS.data },
            { volumeName: tls.name, containerPath: TWIN_PATHS.tls },
          ],
          healthcheck: {
            tests: ["CMD-SHELL", extra.healthcheck],
            interval: "5s",
            timeout: "5s",
            retries: 12,
            startPeriod: "300s",
          },
          // `pulumi up` returns once the server is healthy (the first start may install pgaudit and run initdb).
          wait: true,
          waitTimeout: 600,
          restart: "unless-stopped",
          stopSignal: "SIGINT",
          stopTimeout: 60,
          securityOpts: ["no-new-privileges:true"],
          labels: [
            { label: "app.kubernetes.io/part-of", value: "authdb" },
            { label: "authdb.role", value: role },
          ],
        },
        // Fixed container names, published ports and a data directory must never be held by two containers at once.
        { parent: this, deleteBeforeReplace: true, dependsOn: extra.deps },
      );

    const primary = container("primary", {
      containerName: primaryName,
      hostPort: local.primaryPort,
      data: primaryData,
      uploads: [
        textFile(`${TWIN_PATHS.config}/bootstrap.sql`, args.bootstrapSql),
        textFile(
          `${TWIN_PATHS.config}/run.psql`,
          bootstrapDriver(TWIN_PATHS.secrets, `${TWIN_PATHS.config}/bootstrap.sql`, {
            database: db.name,
            applicationLogin: args.logins.application,
            monitoringLogin: args.logins.monitoring,
          }),
        ),
        textFile(TWIN_PATHS.initHook, INIT_HOOK_SCRIPT, "0555"),
        ...verifierFiles,
      ],
      envs: [
        `POSTGRES_PASSWORD_FILE=${TWIN_PATHS.secrets}/${passwordFileName("administrator")}`,
        `POSTGRES_INITDB_ARGS=--encoding=${db.charset} --lc-collate=${db.collation} --lc-ctype=${db.collation}`,
      ],
      healthcheck: `pg_isready -q -h 127.0.0.1 -p ${POSTGRES_PORT}`,
      deps: [],
    });

    const replica = container("replica", {
      containerName: replicaName,
      hostPort: local.replicaPort,
      data: replicaData,
      uploads: [],
      envs: [],
      // Healthy means accepting connections *as a standby*.
      healthcheck: `gosu postgres psql -X -qtA -U "$POSTGRES_USER" -d postgres -c 'SELECT pg_is_in_recovery()' | grep -qx t`,
      deps: [primary],
    });

    this.primaryContainerName = primary.name;
    this.primaryContainerId = primary.id;
    this.replicaContainerName = replica.name;
    this.replicaContainerId = replica.id;
    this.primaryHost = pulumi.output("localhost");
    this.primaryPort = pulumi.output(local.primaryPort);
    this.replicaHost = pulumi.output("localhost");
    this.replicaPort = pulumi.output(local.replicaPort);
    this.registerOutputs({
      primaryContainerName: this.primaryContainerName,
      primaryContainerId: this.primaryContainerId,
      replicaContainerName: this.replicaContainerName,
      replicaContainerId: this.replicaContainerId,
      primaryHost: this.primaryHost,
      primaryPort: this.primaryPort,
      replicaHost: this.replicaHost,
      replicaPort: this.replicaPort,
    });
  }
}
