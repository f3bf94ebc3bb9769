/**
 * `--target azure`: the drill's Azure procedures, built from the stack outputs (`pulumi stack output --json`, the
 * contract of infra/outputs.ts). Nothing runs unless `--execute` is passed; drill/azure/execute.ts runs the plan.
 * psql, pg_amcheck, pgbench and the failover writer run inside the VNet as short-lived pods of the platform's AKS
 * cluster (`kubectl run --rm`), because the servers have private access only. The administrator password is read from
 * Key Vault at run time and only ever appears as ${ADMIN_PASSWORD} in the printed plan.
 *
 * Every step carries the predicate its output must satisfy (drill/azure/predicates.ts, D101). The failover writer runs
 * in the background while the failover runs, and RTO and lost writes come from the rows it wrote (D102). PITR picks
 * its target T on the server at run time (D103). Destructive scenarios — a forced HA failover, a forced promotion,
 * pgbench on a server — are never in the default list and refuse a prod stack unless `--allow-destructive <primary
 * server name>` names it; the region drill is the reversible switchover of infra/switchover.ts (D100).
 */
import type * as pulumi from "@pulumi/pulumi";
import { contractViolations, type ContractOutputs } from "../infra/outputs.js";
import { parametersFor } from "../infra/parameters.js";
import { switchBackPlan, switchoverPlan, type DrStep, type SwitchoverTarget } from "../infra/switchover.js";
import { POSTGRES_PORT } from "../infra/types.js";
import { passwordFromStdin, placeholder, type AzureStep, type StepRun } from "./azure/execute.js";
import {
  amcheckClean,
  exitedZero,
  inRecovery,
  isoInstant,
  jsonField,
  lagBelow,
  loadMeets,
  metricMaximum,
  nonTlsRefused,
  parameterMatches,
  pgbenchP95Ms,
  pgbenchSummary,
  pitrCounts,
  pitrExact,
  printsExactly,
  serverVersion,
  tlsInUse,
  versionRead,
} from "./azure/predicates.js";
import { analyzeWrites, CONTROL_SEQ, failoverProblem } from "./azure/writes.js";
import { TARGETS } from "./targets.js";

export { executeAzurePlan, type AzureStep } from "./azure/execute.js";

/** The stack outputs as the contract types them, resolved. */
export type StackOutputs = pulumi.Unwrap<ContractOutputs>;

export const ADMIN_PASSWORD = placeholder("ADMIN_PASSWORD");

export const PITR_TARGET = placeholder("PITR_TARGET");

/**
 * The Azure scenarios. `default`: in the list when --scenarios is not given. `destructive` (D100): never default, and
 * on the prod stack only with --allow-destructive naming the primary server.
 */
export const AZURE_SCENARIOS = {
  connect: { default: true, destructive: false, what: "TLS, non-TLS refusal, declared parameters, replica roles" },
  lag: { default: true, destructive: false, what: "replica lag metric maximum < 5 s" },
  failover: { default: true, destructive: false, what: "planned HA failover under a concurrent writer" },
  pitr: { default: true, destructive: false, what: "restore to a T chosen at run time, exact" },
  "backup-restore": { default: true, destructive: false, what: "restore the latest backup, pg_amcheck" },
  "region-switchover": {
    default: false,
    destructive: false,
    what: "planned switchover to the DR region and back (maintenance window)",
  },
  "failover-forced": { default: false, destructive: true, what: "forced HA failover under a concurrent writer" },
  "region-switchover-forced": {
    default: false,
    destructive: true,
    what: "forced promotion of the DR replica (writes not yet replicated are lost; no way back in the plan)",
  },
  load: { default: false, destructive: true, what: "pgbench on the primary at the plan's concurrency" },
} as const;
export type AzureScenarioName = keyof typeof AZURE_SCENARIOS;
export const AZURE_DEFAULT_SCENARIOS = (Object.keys(AZURE_SCENARIOS) as AzureScenarioName[]).filter(
  (s) => AZURE_SCENARIOS[s].default,
);

export function parseAzureScenarioList(list: string): AzureScenarioName[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((n) => !(n in AZURE_SCENARIOS));
  if (unknown.length)
    throw new Error(
      `unknown Azure scenario ${unknown.join(", ")} (known: ${Object.keys(AZURE_SCENARIOS).join(", ")}; Azure archives WAL itself, so "archive" has no Azure procedure — pitr measures the archive)`,
    );
  return names as AzureScenarioName[];
}

export interface AzureOptions {
  /** Namespace for the drill pods in the AKS cluster inside the VNet. */
  namespace: string;
  image: string;
  /** Region of the primary and of the disaster-recovery replica (the region drill). */
  primaryRegion: string;
  drRegion: string;
  /** Used for server, pod and run names (deterministic in tests). */
  stamp: string;
  /** The primary server's name: the only value that lets a destructive scenario run on prod (D100). */
  allowDestructive?: string;
  writer: {
    /** Writes before the failover starts. */
    warmupSeconds: number;
    /** The writer stops this long after its first write on the new timeline. */
    afterSeconds: number;
    /** …or after this long in all. */
    maxSeconds: number;
    pauseSeconds: number;
  };
  pitr: {
    /** Rows on each side of T. */
    markerRows: number;
    /** Seconds between the last row before T and T, and between T and the first row after. */
    marginSeconds: number;
    /** Wait after the markers before restoring: Azure's "delay RPO … can be up to 5 minutes" plus 2 minutes (D103). */
    archiveWaitSeconds: number;
    /** The restore must finish within this: the service RTO (R-DR-2) unless a test says otherwise. */
    restoreBudgetSeconds?: number;
  };
}

export function defaultAzureOptions(partial: Partial<AzureOptions> = {}): AzureOptions {
  return {
    namespace: "authdb-drill",
    image: "postgres:15",
    primaryRegion: "koreacentral",
    drRegion: "koreasouth",
    stamp: new Date().toISOString().replace(/[-:T]/g, "").slice(0, 12),
    writer: { warmupSeconds: 30, afterSeconds: 60, maxSeconds: 900, pauseSeconds: 0.2 },
    pitr: { markerRows: 50, marginSeconds: 2, archiveWaitSeconds: 420 },
    ...partial,
  };
}

/**
 * `pulumi stack output --json` checked against the contract (every name, type and secretness; a secret output prints
 * as "[secret]"), all problems at once; the drill needs an azure stack on PostgreSQL's port.
 */
export function parseStackOutputs(raw: unknown): StackOutputs {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error("stack outputs: expected the JSON object of `pulumi stack output --json`");
  const o = raw as Record<string, unknown>;
  const secret = Object.keys(o).filter((k) => o[k] === "[secret]");
  const problems = contractViolations(o, secret);
  if (o.platformKind !== undefined && o.platformKind !== "azure")
    problems.push(`platformKind: ${JSON.stringify(o.platformKind)}, the Azure drill needs an azure stack`);
  if (typeof o.port === "number" && o.port !== POSTGRES_PORT)
    problems.push(`port: ${o.port}, Azure Database for PostgreSQL listens on ${POSTGRES_PORT}`);
  if (problems.length) throw new Error(`stack outputs do not match the contract:\n  ${problems.join("\n  ")}`);
  return o as unknown as StackOutputs;
}

/**
 * D100: destructive scenarios refuse the prod stack unless --allow-destructive names its primary server. All refusals
 * at once; the message names the flag and the server.
 */
export function destructiveRefusals(
  out: StackOutputs,
  scenarios: readonly AzureScenarioName[],
  allowDestructive: string | undefined,
): string[] {
  if (out.environment !== "prod") return [];
  const destructive = scenarios.filter((s) => AZURE_SCENARIOS[s].destructive);
  if (!destructive.length) return [];
  if (allowDestructive === undefined)
    return destructive.map(
      (s) =>
        `${s} is destructive (${AZURE_SCENARIOS[s].what}); on the prod stack it runs only with --allow-destructive ${out.primaryServerName}`,
    );
  if (allowDestructive !== out.primaryServerName)
    return [
      `--allow-destructive ${allowDestructive} does not name this stack's primary server ${out.primaryServerName}: refusing ${destructive.join(", ")}`,
    ];
  return [];
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Build the plan. Throws on a destructive scenario the stack refuses (D100). */
export function azurePlan(
  out: StackOutputs,
  scenarios: readonly AzureScenarioName[],
  partial: Partial<AzureOptions> = {},
): AzureStep[] {
  const o = defaultAzureOptions(partial);
  const refusals = destructiveRefusals(out, scenarios, o.allowDestructive);
  if (refusals.length) throw new Error(refusals.join("\n"));
  const rg = out.resourceGroupName;
  const db = out.databaseName;
  const admin = out.administratorLogin;
  const run = `drill-${o.stamp}`;
  const conn = (host: string, dbname = db, sslmode = "require"): string =>
    `host=${host} port=${POSTGRES_PORT} dbname=${dbname} user=${admin} sslmode=${sslmode} connect_timeout=5`;
  /**
   * A pod inside the VNet running one command with the admin password in its environment. Each pod has a name of its
   * own (a numbered suffix): `--rm` deletes a pod after it ends, and a next pod of the same name could meet it still
   * terminating. kubectl's reference (kubernetes.io, kubectl run): `--attach` "With '--restart=Never' the exit code of
   * the container process is returned" — the predicates judge that code — and `--quiet` "suppress prompt messages", so
   * stdout holds only what the command printed.
   */
  let pods = 0;
  const inVnet = (podName: string, command: string[], env: string[] = []): string[] => [
    "kubectl",
    "run",
    `${podName}-${o.stamp}-${++pods}`,
    "--namespace",
    o.namespace,
    "--rm",
    "-i",
    "--quiet",
    "--restart=Never",
    `--image=${o.image}`,
    ...env.map((e) => `--env=${e}`),
    "--command",
    "--",
    ...passwordFromStdin(command),
  ];
  const psql = (host: string, sql: string | string[], sslmode = "require", dbname = db): string[] => [
    "psql",
    "-X",
    "-q",
    "-A",
    "-t",
    "-v",
    "ON_ERROR_STOP=1",
    conn(host, dbname, sslmode),
    ...(Array.isArray(sql) ? sql : [sql]).flatMap((s) => ["-c", s]),
  ];
  const azPg = (...args: string[]): string[] => ["az", "postgres", "flexible-server", ...args];
  const idOf = (name: string): string => out.primaryServerId.replace(/[^/]+$/, name);
  const fqdnOf = (name: string): string => `${name}.postgres.database.azure.com`;

  const steps: AzureStep[] = [
    {
      scenario: "setup",
      description: `Read the administrator password from Key Vault ${out.keyVaultName} (kept in memory, never printed)`,
      argv: [
        "az",
        "keyvault",
        "secret",
        "show",
        "--vault-name",
        out.keyVaultName,
        "--name",
        out.passwordSecretNames.administrator ?? "postgres-administrator-password",
        "--query",
        "value",
        "-o",
        "tsv",
      ],
      expect: "exit 0 and a non-empty value",
      check: (r) => exitedZero(r) ?? (r.stdout.trim() === "" ? "the secret is empty" : undefined),
      capture: "ADMIN_PASSWORD",
      secretOutput: true,
    },
    {
      scenario: "setup",
      description: "The primary's version (SELECT version()), reported as the report's postgres",
      argv: inVnet("drill-version", psql(out.primaryFqdn, "SELECT version()")),
      expect: "PostgreSQL <version>",
      check: versionRead,
      capture: "POSTGRES_VERSION",
      captureValue: (s) => serverVersion(s) ?? "unknown",
    },
  ];
  const metric = (name: string, f: (r: StepRun) => number | boolean) => (r: StepRun) => ({
    metrics: { [name]: f(r) },
  });

  for (const s of scenarios) {
    switch (s) {
      case "connect": {
        steps.push({
          scenario: s,
          description: "TLS session from inside the VNet",
          argv: inVnet(
            "drill-tls",
            psql(out.primaryFqdn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
          ),
          expect: "t|TLSv1.2 or t|TLSv1.3",
          check: tlsInUse,
          measure: metric("tls", (r) => tlsInUse(r) === undefined),
        });
        const servers: [string, string][] = [
          [out.primaryServerName, out.primaryFqdn],
          ...Object.entries(out.replicaFqdns).map(([region, fqdn]): [string, string] => [
            out.replicaServerNames[region] ?? region,
            fqdn,
          ]),
        ];
        for (const [name, fqdn] of servers) {
          // A must-fail run: the control fails (as it must) when the server refuses the session for missing TLS.
          steps.push({
            scenario: s,
            description: `Non-TLS session to ${name} (sslmode=disable) is refused for missing TLS (require_secure_transport=on)`,
            argv: inVnet("drill-notls", psql(fqdn, "SELECT 1", "disable")),
            expect: "refused: no pg_hba.conf entry … no encryption",
            control: `non-TLS session to ${name}`,
            check: (r) => (nonTlsRefused(r) === undefined ? `refused: ${r.stderr.trim().split("\n")[0]}` : undefined),
            measure: (r, _c, prev) => ({
              metrics: { nonTlsRefused: prev.nonTlsRefused !== false && nonTlsRefused(r) === undefined },
            }),
          });
          // The same for a replication connection (walsender protocol, as a replica or pg_basebackup would open).
          steps.push({
            scenario: s,
            description: `Non-TLS replication connection to ${name} (sslmode=disable replication=database) is refused for missing TLS`,
            argv: inVnet("drill-notls-replication", [
              "psql",
              "-X",
              "-A",
              "-t",
              `${conn(fqdn, db, "disable")} replication=database`,
              "-c",
              "IDENTIFY_SYSTEM",
            ]),
            expect: "refused: no pg_hba.conf entry for replication connection … no encryption",
            control: `non-TLS replication connection to ${name}`,
            check: (r) => (nonTlsRefused(r) === undefined ? `refused: ${r.stderr.trim().split("\n")[0]}` : undefined),
            measure: (r, _c, prev) => ({
              metrics: {
                nonTlsReplicationRefused: prev.nonTlsReplicationRefused !== false && nonTlsRefused(r) === undefined,
              },
            }),
          });
        }
        const params = parametersFor("azure");
        for (const p of params) {
          steps.push({
            scenario: s,
            description: `Effective ${p.name} on ${out.primaryServerName} equals the declared ${p.value}`,
            argv: azPg(
              "parameter",
              "show",
              "--resource-group",
              rg,
              "--server-name",
              out.primaryServerName,
              "--name",
              p.name,
              "--query",
              "value",
              "-o",
              "tsv",
            ),
            expect: `${p.value} (case-insensitive${p.allowed.kind === "set" ? ", as a set" : ""})`,
            check: (r) => parameterMatches(p, r),
            measure: (r, _c, prev) => ({
              metrics: {
                parametersMatching:
                  Number(prev.parametersMatching ?? 0) + (parameterMatches(p, r) === undefined ? 1 : 0),
              },
            }),
            targets: { parametersMatching: params.length },
          });
        }
        for (const [name, fqdn] of servers) {
          const replica = name !== out.primaryServerName;
          steps.push({
            scenario: s,
            description: `${name} reports pg_is_in_recovery() = ${replica ? "t (a replica)" : "f (the primary)"}`,
            argv: inVnet(`drill-recovery`, psql(fqdn, "SELECT pg_is_in_recovery()")),
            expect: replica ? "t" : "f",
            check: (r) => inRecovery(replica, r),
            // replicaInRecovery: every server reports the role it has (t on replicas, f on the primary).
            measure: (r, _c, prev) => ({
              metrics: { replicaInRecovery: prev.replicaInRecovery !== false && inRecovery(replica, r) === undefined },
            }),
          });
        }
        break;
      }
      case "lag": {
        const lagSteps = (name: string): string[] => [
          "az",
          "monitor",
          "metrics",
          "list",
          "--resource",
          idOf(name),
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
        ];
        for (const name of Object.values(out.replicaServerNames)) {
          steps.push({
            scenario: s,
            description: `Replica lag of ${name}, maximum over the last hour (target < ${TARGETS.replicaLagSeconds} s, R-3.2.1)`,
            argv: lagSteps(name),
            expect: `maximum of the series < ${TARGETS.replicaLagSeconds}`,
            check: (r) => lagBelow(TARGETS.replicaLagSeconds, r),
            measure: (r, _c, prev) => {
              const max = metricMaximum(r.stdout);
              if (max === undefined) return {};
              return {
                metrics: { maxSeconds: Math.max(max, typeof prev.maxSeconds === "number" ? prev.maxSeconds : 0) },
              };
            },
            targets: { maxSeconds: TARGETS.replicaLagSeconds },
          });
        }
        steps.push({
          scenario: s,
          description: `The same metric on the primary ${out.primaryServerName}, which replicates from nobody: no data point must not read as lag 0`,
          argv: lagSteps(out.primaryServerName),
          expect: "no data point (the predicate fails)",
          control: "lag metric of a server that is not a replica",
          check: (r) => lagBelow(TARGETS.replicaLagSeconds, r),
        });
        break;
      }
      case "failover":
      case "failover-forced": {
        const forced = s === "failover-forced";
        const table = "drill_azure_writes";
        const w = o.writer;
        // The writer connects as applications do, to writerFqdn (the writer endpoint, or the primary's name without one).
        const c = `${conn(out.writerFqdn)} tcp_user_timeout=5000 keepalives_idle=2 keepalives_interval=1 keepalives_count=2`;
        const r = sqlString(`${run}-${s}`);
        steps.push({
          scenario: s,
          description: `Writer table ${table}: each row carries clock_timestamp(), inet_server_addr() and the WAL insert timeline`,
          argv: inVnet(
            "drill-writer-setup",
            psql(
              out.writerFqdn,
              `CREATE TABLE IF NOT EXISTS ${table} (run text NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), server inet DEFAULT inet_server_addr(), timeline text NOT NULL DEFAULT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8), PRIMARY KEY (run, seq))`,
            ),
          ),
          expect: "exit 0",
          check: exitedZero,
        });
        const script =
          `C='${c}'; ` +
          // The control write: acknowledged in the log although rolled back — the analysis must count it as lost.
          `timeout 10 psql -X -q "$C" -c "BEGIN; INSERT INTO ${table} (run, seq) VALUES (${r}, ${CONTROL_SEQ}); ROLLBACK" && echo "ack ${CONTROL_SEQ}"; ` +
          `i=0; tl0=; sw=0; end=$(( $(date +%s) + ${w.maxSeconds} )); ` +
          `while [ "$(date +%s)" -lt "$end" ]; do i=$((i+1)); ` +
          `out=$(timeout 10 psql -X -q -A -t "$C" -c "INSERT INTO ${table} (run, seq) VALUES (${r}, $i) RETURNING seq || '|' || timeline" 2>/dev/null); ` +
          `case "$out" in "$i|"*) echo "ack $i"; tl=\${out#*|}; [ -z "$tl0" ] && tl0=$tl; ` +
          `[ "$tl" != "$tl0" ] && [ "$sw" = 0 ] && sw=$(date +%s);; esac; ` +
          `[ "$sw" != 0 ] && [ $(( $(date +%s) - sw )) -ge ${w.afterSeconds} ] && break; sleep ${w.pauseSeconds}; done; echo "done $i"`;
        steps.push({
          id: `${s}-writer`,
          scenario: s,
          description: `Writer from inside the VNet, one psql per write, printing "ack <seq>" after COMMIT; stops ${w.afterSeconds} s after its first write on a new timeline (at most ${w.maxSeconds} s)`,
          argv: inVnet("drill-writer", ["sh", "-c", script]),
          expect: "runs in the background; judged when awaited",
          check: exitedZero,
          background: true,
        });
        steps.push({
          scenario: s,
          description: `Let the writer write ${w.warmupSeconds} s before the failover`,
          argv: ["sleep", String(w.warmupSeconds)],
          expect: "exit 0",
          check: exitedZero,
        });
        steps.push({
          scenario: s,
          description: forced
            ? `Forced HA failover of ${out.primaryServerName} (destructive: the primary is brought down)`
            : `Planned HA failover of ${out.primaryServerName} (the standby in the other zone becomes primary; a second one returns)`,
          argv: azPg(
            "restart",
            "--resource-group",
            rg,
            "--name",
            out.primaryServerName,
            "--failover",
            forced ? "Forced" : "Planned",
          ),
          expect: "exit 0 (the az duration is a parameter, not the RTO)",
          check: exitedZero,
          measure: (x) => ({ parameters: { failoverCommandSeconds: x.seconds } }),
          destructive: forced,
        });
        steps.push({
          scenario: s,
          description: "Wait for the writer to finish",
          argv: [],
          await: `${s}-writer`,
          expect: `exit 0 and "done <n>"`,
          check: (x) =>
            exitedZero(x) ?? (/^done \d+$/m.test(x.stdout) ? undefined : "the writer did not finish its loop"),
          cleanup: true,
        });
        steps.push({
          id: `${s}-rows`,
          scenario: s,
          description:
            "The writer's rows on the server: RTO = first row on the new timeline − last row on the old one; lost = acknowledged but absent",
          argv: inVnet(
            "drill-writer-rows",
            psql(
              out.writerFqdn,
              `SELECT seq, extract(epoch FROM at), timeline, host(server) FROM ${table} WHERE run = ${r} ORDER BY seq`,
            ),
          ),
          expect: `rows on two timelines, RTO ≤ ${TARGETS.failoverRtoSeconds} s, 0 acknowledged writes lost`,
          check: (x, ctx) =>
            exitedZero(x) ??
            failoverProblem(
              analyzeWrites(ctx.runs.get(`${s}-writer`)?.stdout ?? "", x.stdout),
              TARGETS.failoverRtoSeconds,
            ),
          measure: (x, ctx) => {
            const a = analyzeWrites(ctx.runs.get(`${s}-writer`)?.stdout ?? "", x.stdout);
            return {
              metrics: {
                ...(a.rtoSeconds !== undefined ? { rtoSeconds: a.rtoSeconds } : {}),
                lostAcknowledgedWrites: a.lostAcknowledgedWrites,
                acknowledgedWrites: a.acknowledged,
                timelinesSeen: a.timelines.length,
                serverAddressesSeen: a.servers.length,
              },
              parameters: {
                writerWarmupSeconds: w.warmupSeconds,
                writerAfterSeconds: w.afterSeconds,
                writerPauseSeconds: w.pauseSeconds,
              },
            };
          },
          targets: { rtoSeconds: TARGETS.failoverRtoSeconds, lostAcknowledgedWrites: TARGETS.lostAcknowledgedWrites },
        });
        steps.push({
          scenario: s,
          description: `Control: the write rolled back but logged as acknowledged (seq ${CONTROL_SEQ}) is counted as lost`,
          argv: [],
          expect: "the loss count sees it (the predicate fails)",
          control: "rolled-back write logged as acknowledged",
          check: (_x, ctx) =>
            analyzeWrites(ctx.runs.get(`${s}-writer`)?.stdout ?? "", ctx.runs.get(`${s}-rows`)?.stdout ?? "")
              .controlDetected
              ? `seq ${CONTROL_SEQ} acknowledged, absent from the table: lost`
              : undefined,
        });
        break;
      }
      case "pitr": {
        const p = o.pitr;
        const budget = p.restoreBudgetSeconds ?? TARGETS.serviceRtoSeconds;
        const target = `${out.primaryServerName}-pitr-${o.stamp}`;
        const table = "drill_azure_pitr";
        const r = sqlString(`${run}-pitr`);
        const sleep = `DO $$BEGIN PERFORM pg_sleep(${p.marginSeconds}); END$$`;
        const counts = `SELECT count(*) FILTER (WHERE phase = 'before') || '|' || count(*) FILTER (WHERE phase = 'after') FROM ${table} WHERE run = ${r}`;
        steps.push({
          scenario: s,
          description: `${p.markerRows} marker rows, ${p.marginSeconds} s, T = the server's clock_timestamp() to the second, ${p.marginSeconds} s, ${p.markerRows} more rows`,
          argv: inVnet(
            "drill-pitr-markers",
            psql(out.primaryFqdn, [
              `CREATE TABLE IF NOT EXISTS ${table} (run text NOT NULL, phase text NOT NULL, seq int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
              `INSERT INTO ${table} (run, phase, seq) SELECT ${r}, 'before', g FROM generate_series(1, ${p.markerRows}) g`,
              sleep,
              `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
              sleep,
              `INSERT INTO ${table} (run, phase, seq) SELECT ${r}, 'after', g FROM generate_series(1, ${p.markerRows}) g`,
            ]),
          ),
          expect: "T as YYYY-MM-DDTHH:MM:SSZ",
          check: isoInstant,
          capture: "PITR_TARGET",
        });
        steps.push({
          scenario: s,
          description: `Wait ${p.archiveWaitSeconds} s: Azure archives WAL when a segment is ready, "the delay RPO … can be up to 5 minutes"`,
          argv: ["sleep", String(p.archiveWaitSeconds)],
          expect: "exit 0",
          check: exitedZero,
          measure: () => ({
            parameters: { archiveWaitSeconds: p.archiveWaitSeconds, markerMarginSeconds: p.marginSeconds },
          }),
        });
        steps.push({
          id: "pitr-restore",
          scenario: s,
          description: `Point-in-time restore of ${out.primaryServerName} to T into the new server ${target}`,
          argv: azPg(
            "restore",
            "--resource-group",
            rg,
            "--name",
            target,
            "--source-server",
            out.primaryServerId,
            "--restore-time",
            PITR_TARGET,
          ),
          expect: `JSON of the server, name ${target}`,
          check: (x) => jsonField("name", target, x),
          measure: (x) => ({ metrics: { restoreSeconds: x.seconds } }),
          targets: { restoreSeconds: budget },
        });
        steps.push({
          scenario: s,
          description: `${target} has every row written before T and none written after`,
          argv: inVnet("drill-pitr-check", psql(fqdnOf(target), counts)),
          expect: `${p.markerRows}|0`,
          check: (x) => pitrExact(p.markerRows, x),
          measure: (x) => {
            const c = pitrCounts(x.stdout);
            return c ? { metrics: { rowsAfterTarget: c.after, rowsMissingBeforeTarget: p.markerRows - c.before } } : {};
          },
          targets: { rowsAfterTarget: 0, rowsMissingBeforeTarget: 0 },
        });
        steps.push({
          scenario: s,
          description: `The restore took at most the service RTO, ${budget} s (R-DR-2)`,
          argv: [],
          expect: `restoreSeconds ≤ ${budget}`,
          check: (_x, ctx) => {
            const secs = ctx.runs.get("pitr-restore")?.seconds ?? Infinity;
            return secs <= budget ? undefined : `the restore took ${secs} s, service RTO ${budget} s`;
          },
        });
        steps.push({
          scenario: s,
          description: `Control: the same check on the source ${out.primaryServerName}, which has the rows after T`,
          argv: inVnet("drill-pitr-control", psql(out.primaryFqdn, counts)),
          expect: `${p.markerRows}|${p.markerRows} (the predicate fails)`,
          control: "exactness check on the unrestored source",
          check: (x) => pitrExact(p.markerRows, x),
        });
        steps.push(deleteServer(s, rg, target));
        break;
      }
      case "backup-restore": {
        const target = `${out.primaryServerName}-verify-${o.stamp}`;
        const ext = parametersFor("azure").find((p) => p.name === "azure.extensions");
        steps.push({
          scenario: s,
          description: "Automated backups exist",
          argv: azPg("backup", "list", "--resource-group", rg, "--name", out.primaryServerName, "-o", "json"),
          expect: "a JSON array with at least one backup",
          check: (x) => {
            const bad = exitedZero(x);
            if (bad) return bad;
            const list: unknown = JSON.parse(x.stdout);
            return Array.isArray(list) && list.length > 0 ? undefined : "no backup listed";
          },
          measure: (x) => ({ metrics: { backupsListed: (JSON.parse(x.stdout) as unknown[]).length } }),
        });
        steps.push({
          scenario: s,
          description: `Restore ${out.primaryServerName} (latest restore point) into the new server ${target}`,
          argv: azPg("restore", "--resource-group", rg, "--name", target, "--source-server", out.primaryServerId),
          expect: `JSON of the server, name ${target}`,
          check: (x) => jsonField("name", target, x),
          measure: (x) => ({ metrics: { restored: true, restoreSeconds: x.seconds } }),
        });
        if (ext)
          steps.push({
            scenario: s,
            // Learn, concepts-backup-restore.md, post-restore tasks: "The values of all server parameters on the
            // original server are not automatically applied to the new server."
            description: `Allow-list amcheck on ${target}: a restore does not carry server parameters over`,
            argv: azPg(
              "parameter",
              "set",
              "--resource-group",
              rg,
              "--server-name",
              target,
              "--name",
              ext.name,
              "--value",
              ext.value,
              "--query",
              "value",
              "-o",
              "tsv",
            ),
            expect: ext.value,
            check: (x) => parameterMatches(ext, x),
          });
        // D104: `-d` is pg_amcheck's database *pattern* (a connection string there is "improper qualified name"), and
        // the per-database connections take host, port and user from -h/-p/-U, not from --maintenance-db's string
        // (measured on PostgreSQL 15); TLS through PGSSLMODE.
        const amcheck = (database: string): string[] => [
          "pg_amcheck",
          "-h",
          fqdnOf(target),
          "-p",
          String(POSTGRES_PORT),
          "-U",
          admin,
          "--maintenance-db",
          "postgres",
          "--database",
          database,
          "--install-missing",
          "--heapallindexed",
        ];
        steps.push({
          scenario: s,
          description: `pg_amcheck of ${db} on ${target} (-h/-p/-U with --maintenance-db; -d would be a database pattern)`,
          argv: inVnet("drill-amcheck", amcheck(db), ["PGSSLMODE=require"]),
          expect: "exit 0, nothing reported",
          check: amcheckClean,
          measure: (x) => ({ metrics: { amcheckPassed: amcheckClean(x) === undefined } }),
        });
        steps.push({
          scenario: s,
          description: "Control: pg_amcheck of a database pattern that matches nothing must fail, not pass vacuously",
          argv: inVnet("drill-amcheck-control", amcheck("drill_no_such_database"), ["PGSSLMODE=require"]),
          expect: "exit ≠ 0 (the predicate fails)",
          control: "pg_amcheck checking nothing",
          check: amcheckClean,
        });
        steps.push(deleteServer(s, rg, target));
        break;
      }
      case "region-switchover":
      case "region-switchover-forced": {
        const t = switchoverTarget(out, o);
        const forced = s === "region-switchover-forced";
        const plan = switchoverPlan(t, forced ? "forced" : "planned").filter(notConverge);
        const promoteAt = plan.findIndex((x) => x.phase === "promote");
        const verifyPrimary = plan.find((x) => x.phase === "verify");
        plan.forEach((step, i) => {
          if (i === promoteAt && verifyPrimary)
            steps.push({
              ...fromDrStep(s, verifyPrimary),
              description: `Control, before the promotion: "${verifyPrimary.description}" must not hold yet`,
              control: `${t.replica.name} reported primary before its promotion`,
            });
          steps.push({ ...fromDrStep(s, step), destructive: forced && step.phase === "promote" });
        });
        if (!forced)
          for (const step of switchBackPlan(t).filter(notConverge)) steps.push(fromDrStep(s, step, "switch back: "));
        break;
      }
      case "load": {
        const clients = TARGETS.planConnections;
        const scratch = "drill_pgbench";
        const admin0 = conn(out.primaryFqdn, "postgres");
        const bench = conn(out.primaryFqdn, scratch);
        steps.push({
          scenario: s,
          description: `pgbench at ${clients} clients for 60 s in the scratch database ${scratch} on ${out.primaryServerName} (destructive: load on the server)`,
          argv: inVnet("drill-pgbench", [
            "sh",
            "-c",
            `psql -X -q "${admin0}" -c 'DROP DATABASE IF EXISTS ${scratch}' -c 'CREATE DATABASE ${scratch}' && ` +
              `pgbench -i -s 20 -q "${bench}" >/dev/null 2>&1 && cd /tmp && ` +
              `pgbench -c ${clients} -j 4 -T 60 -l --sampling-rate=0.1 --log-prefix=pgb "${bench}"; rc=$?; cat /tmp/pgb.* 2>/dev/null; ` +
              `psql -X -q "${admin0}" -c 'DROP DATABASE ${scratch}'; exit $rc`,
          ]),
          expect: `tps ≥ ${TARGETS.minTps}, average latency < ${TARGETS.maxAvgLatencyMs} ms`,
          check: (x) => loadMeets(TARGETS.minTps, TARGETS.maxAvgLatencyMs, x),
          measure: (x) => {
            const sum = pgbenchSummary(x.stdout);
            const p95 = pgbenchP95Ms(x.stdout);
            return {
              metrics: {
                ...(sum ? { tps: sum.tps, avgLatencyMs: sum.avgLatencyMs } : {}),
                ...(p95 !== undefined ? { p95LatencyMs: p95 } : {}),
                clients,
              },
              parameters: { durationSeconds: 60, scale: 20, latencySamplingRate: 0.1 },
            };
          },
          targets: { tps: TARGETS.minTps, avgLatencyMs: TARGETS.maxAvgLatencyMs },
          destructive: true,
        });
        break;
      }
    }
  }
  return steps;
}

function deleteServer(scenario: string, rg: string, name: string): AzureStep {
  return {
    scenario,
    description: `Delete ${name} (also after a failed step)`,
    argv: ["az", "postgres", "flexible-server", "delete", "--resource-group", rg, "--name", name, "--yes"],
    expect: "exit 0",
    check: exitedZero,
    cleanup: true,
  };
}

/** `pulumi config set` steps converge a permanent switch (D72); the drill switches back instead. */
const notConverge = (s: DrStep): boolean => s.argv[0] !== "pulumi";

function fromDrStep(scenario: string, s: DrStep, prefix = ""): AzureStep {
  return {
    scenario,
    description: `${prefix}${s.description}`,
    argv: [...s.argv],
    expect: `${s.expect ?? "exit 0"} within ${s.budgetSeconds} s`,
    check: (r) =>
      (s.expect !== undefined ? printsExactly(s.expect, r) : exitedZero(r)) ??
      (r.seconds > s.budgetSeconds ? `took ${r.seconds} s, budget ${s.budgetSeconds} s` : undefined),
    measure: s.phase === "promote" ? (r) => ({ metrics: { promoteCommandSeconds: r.seconds } }) : undefined,
  };
}

/** The region drill's servers from the outputs: the DR replica, the subscription and the endpoints' base name. */
export function switchoverTarget(out: StackOutputs, o: AzureOptions): SwitchoverTarget {
  const replica = out.replicaServerNames[o.drRegion];
  const subscriptionId = /^\/subscriptions\/([^/]+)\//i.exec(out.primaryServerId)?.[1];
  const endpoint = /^([^.]+)\.writer\.postgres\.database\.azure\.com$/.exec(out.writerFqdn)?.[1];
  const problems = [
    replica
      ? ""
      : `no replica in ${o.drRegion} (replicaServerNames has ${Object.keys(out.replicaServerNames).join(", ") || "none"})`,
    subscriptionId ? "" : `primaryServerId ${out.primaryServerId} names no subscription`,
    endpoint
      ? ""
      : `writerFqdn ${out.writerFqdn} is not a writer virtual endpoint (a promotion to primary needs one, D70)`,
  ].filter(Boolean);
  if (problems.length || !replica || !subscriptionId || !endpoint)
    throw new Error(`region switchover: ${problems.join("; ")}`);
  return {
    subscriptionId,
    resourceGroup: out.resourceGroupName,
    primary: { name: out.primaryServerName, region: o.primaryRegion },
    replica: { name: replica, region: o.drRegion },
    virtualEndpointName: endpoint,
    stamp: o.stamp,
  };
}

const shellQuote = (a: string): string => (/^[\w@%+=:,./${}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export function renderAzurePlan(steps: readonly AzureStep[]): string {
  return steps
    .map((s, i) => {
      const tags = [
        s.control ? `control: ${s.control} — must fail` : "",
        s.background ? "background" : "",
        s.destructive ? "DESTRUCTIVE" : "",
        s.cleanup ? "always runs" : "",
      ].filter(Boolean);
      const head = `# ${i + 1}. [${s.scenario}] ${s.description}${tags.length ? ` (${tags.join("; ")})` : ""}\n#    expect: ${s.expect}`;
      const cmd = s.await
        ? `wait  # for step "${s.await}"`
        : s.argv.length === 0
          ? "# (judged from the outputs above)"
          : `${s.capture ? `${s.capture}=$(` : ""}${s.argv.map(shellQuote).join(" ")}${s.capture ? ")" : ""}${s.background ? " &" : ""}`;
      return `${head}\n${cmd}`;
    })
    .join("\n\n");
}
