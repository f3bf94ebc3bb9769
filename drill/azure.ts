/**
 * `--target azure`: the same scenarios as Azure procedures, built from the stack outputs (`pulumi stack output --json`).
 * Nothing here runs unless `--execute` is passed. Connection checks, pgbench and the failover writer run from inside the
 * VNet as short-lived pods in the platform's AKS cluster (`kubectl run --rm`), because the servers have private access
 * only. The administrator password is read from Key Vault at run time and only ever appears as ${ADMIN_PASSWORD} in the
 * printed plan.
 */
import { spawn } from "node:child_process";
import { parametersFor } from "../infra/parameters.js";
import type { ScenarioName } from "./options.js";
import type { DrillReport, ScenarioResult } from "./report.js";
import { TARGETS } from "./targets.js";

export interface StackOutputs {
  resourceGroupName: string;
  primaryServerName: string;
  primaryFqdn: string;
  replicaServerNames: Record<string, string>;
  replicaFqdns: Record<string, string>;
  databaseName: string;
  administratorLogin: string;
  keyVaultName: string;
  primaryServerId: string;
}

export interface AzureOptions {
  /** Key Vault secret holding the administrator password. */
  adminSecretName: string;
  /** Namespace for the drill pods in the AKS cluster inside the VNet. */
  namespace: string;
  image: string;
  /** Region of the disaster-recovery replica (region loss). */
  drRegion: string;
  /** Used for server names and pod names (deterministic in tests). */
  stamp: string;
  /** PITR restore point. */
  restoreTime: string;
}

export const ADMIN_PASSWORD = "${ADMIN_PASSWORD}";

export interface AzureStep {
  scenario: ScenarioName;
  description: string;
  argv: string[];
  /** Capture stdout into ADMIN_PASSWORD (never printed). */
  capturesAdminPassword?: boolean;
  /** A step that is expected to fail (e.g. a non-TLS connection). */
  expectFailure?: boolean;
}

export function parseStackOutputs(raw: unknown): StackOutputs {
  const o = raw as Record<string, unknown>;
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== "string" || v === "") throw new Error(`stack output ${k} missing`);
    return v;
  };
  const rec = (k: string): Record<string, string> => {
    const v = o[k];
    if (typeof v !== "object" || v === null) throw new Error(`stack output ${k} missing`);
    return v as Record<string, string>;
  };
  return {
    resourceGroupName: str("resourceGroupName"),
    primaryServerName: str("primaryServerName"),
    primaryFqdn: str("primaryFqdn"),
    replicaServerNames: rec("replicaServerNames"),
    replicaFqdns: rec("replicaFqdns"),
    databaseName: str("databaseName"),
    administratorLogin: str("administratorLogin"),
    keyVaultName: str("keyVaultName"),
    primaryServerId: str("primaryServerId"),
  };
}

function defaults(partial: Partial<AzureOptions>): AzureOptions {
  const now = new Date();
  return {
    adminSecretName: "postgres-administrator-password",
    namespace: "authdb-drill",
    image: "postgres:15",
    drRegion: "koreasouth",
    stamp: now.toISOString().replace(/[-:T]/g, "").slice(0, 12),
    restoreTime: new Date(now.getTime() - 10 * 60_000).toISOString(),
    ...partial,
  };
}

function conn(host: string, db: string, user: string, sslmode = "require"): string {
  return `host=${host} port=5432 dbname=${db} user=${user} sslmode=${sslmode} connect_timeout=5`;
}

/** A pod inside the VNet running one command with the admin password in its environment. */
function inVnet(o: AzureOptions, podName: string, command: string[]): string[] {
  return [
    "kubectl",
    "run",
    `${podName}-${o.stamp}`,
    "--namespace",
    o.namespace,
    "--rm",
    "-i",
    "--restart=Never",
    `--image=${o.image}`,
    `--env=PGPASSWORD=${ADMIN_PASSWORD}`,
    "--command",
    "--",
    ...command,
  ];
}

export function azurePlan(
  out: StackOutputs,
  scenarios: readonly ScenarioName[],
  partial: Partial<AzureOptions> = {},
): AzureStep[] {
  const o = defaults(partial);
  const rg = out.resourceGroupName;
  const db = out.databaseName;
  const admin = out.administratorLogin;
  const steps: AzureStep[] = [
    {
      scenario: scenarios[0] ?? "connect",
      description: "Read the administrator password from Key Vault (kept in memory, never printed)",
      argv: [
        "az",
        "keyvault",
        "secret",
        "show",
        "--vault-name",
        out.keyVaultName,
        "--name",
        o.adminSecretName,
        "--query",
        "value",
        "-o",
        "tsv",
      ],
      capturesAdminPassword: true,
    },
  ];
  const psql = (host: string, sql: string, sslmode = "require"): string[] => [
    "psql",
    "-X",
    "-A",
    "-t",
    "-v",
    "ON_ERROR_STOP=1",
    conn(host, db, admin, sslmode),
    "-c",
    sql,
  ];
  const replicaIdOf = (name: string): string => out.primaryServerId.replace(/[^/]+$/, name);
  const drReplica = out.replicaServerNames[o.drRegion];
  const drFqdn = out.replicaFqdns[o.drRegion];
  for (const s of scenarios) {
    switch (s) {
      case "connect": {
        steps.push({
          scenario: s,
          description: "TLS connection from inside the VNet",
          argv: inVnet(
            o,
            "drill-tls",
            psql(out.primaryFqdn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
          ),
        });
        steps.push({
          scenario: s,
          description: "Non-TLS connection must be refused (require_secure_transport=ON)",
          argv: inVnet(o, "drill-notls", psql(out.primaryFqdn, "SELECT 1", "disable")),
          expectFailure: true,
        });
        for (const p of parametersFor("azure")) {
          steps.push({
            scenario: s,
            description: `Effective ${p.name} equals the declared ${p.value}`,
            argv: [
              "az",
              "postgres",
              "flexible-server",
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
            ],
          });
        }
        for (const [region, fqdn] of Object.entries(out.replicaFqdns)) {
          steps.push({
            scenario: s,
            description: `Replica in ${region} reports pg_is_in_recovery()`,
            argv: inVnet(o, `drill-replica-${region}`, psql(fqdn, "SELECT pg_is_in_recovery()")),
          });
        }
        break;
      }
      case "load":
        for (const clients of [TARGETS.normalConnections, TARGETS.planConnections]) {
          steps.push({
            scenario: s,
            description: `pgbench at ${clients} clients from inside the VNet (scratch database drill_pgbench)`,
            argv: inVnet(o, `drill-pgbench-${clients}`, [
              "sh",
              "-c",
              `psql "${conn(out.primaryFqdn, "postgres", admin)}" -c 'CREATE DATABASE drill_pgbench' 2>/dev/null; ` +
                `pgbench -i -s 20 "${conn(out.primaryFqdn, "drill_pgbench", admin)}" && ` +
                `pgbench -c ${clients} -j 4 -T 60 -P 10 "${conn(out.primaryFqdn, "drill_pgbench", admin)}"; rc=$?; ` +
                `psql "${conn(out.primaryFqdn, "postgres", admin)}" -c 'DROP DATABASE drill_pgbench'; exit $rc`,
            ]),
          });
        }
        break;
      case "lag":
        for (const name of Object.values(out.replicaServerNames)) {
          steps.push({
            scenario: s,
            description: `Replica lag of ${name} over the last hour (target < ${TARGETS.replicaLagSeconds} s)`,
            argv: [
              "az",
              "monitor",
              "metrics",
              "list",
              "--resource",
              replicaIdOf(name),
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
          });
        }
        break;
      case "failover":
        steps.push({
          scenario: s,
          description:
            "Steady writer from inside the VNet (one psql per write; records acknowledged writes with timestamps)",
          argv: inVnet(o, "drill-writer", [
            "sh",
            "-c",
            `psql "${conn(out.primaryFqdn, db, admin)}" -c 'CREATE TABLE IF NOT EXISTS drill_writes (seq bigint PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())' && ` +
              `i=0; end=$(($(date +%s)+300)); while [ $(date +%s) -lt $end ]; do i=$((i+1)); ` +
              `psql -X -A -t "${conn(out.primaryFqdn, db, admin)}" -c "INSERT INTO drill_writes(seq) VALUES ($i) RETURNING seq" >/dev/null 2>&1 && echo "ack $i $(date +%s.%N)"; sleep 0.2; done`,
          ]),
        });
        steps.push({
          scenario: s,
          description: `Forced HA failover (plan target ≤ ${TARGETS.failoverRtoSeconds} s, R-6.2.1; Azure states < 120 s; RTO = kill → first ack in the writer log)`,
          argv: [
            "az",
            "postgres",
            "flexible-server",
            "restart",
            "--resource-group",
            rg,
            "--name",
            out.primaryServerName,
            "--failover",
            "Forced",
          ],
        });
        break;
      case "pitr": {
        const target = `${out.primaryServerName}-pitr-${o.stamp}`;
        steps.push({
          scenario: s,
          description: `Point-in-time restore to a new server at ${o.restoreTime}`,
          argv: [
            "az",
            "postgres",
            "flexible-server",
            "restore",
            "--resource-group",
            rg,
            "--name",
            target,
            "--source-server",
            out.primaryServerId,
            "--restore-time",
            o.restoreTime,
          ],
        });
        steps.push({
          scenario: s,
          description: "Rows on the restored server",
          argv: inVnet(
            o,
            "drill-pitr-check",
            psql(`${target}.postgres.database.azure.com`, "SELECT count(*), max(at) FROM drill_writes"),
          ),
        });
        steps.push({
          scenario: s,
          description: "Delete the restored server",
          argv: ["az", "postgres", "flexible-server", "delete", "--resource-group", rg, "--name", target, "--yes"],
        });
        break;
      }
      case "backup": {
        const target = `${out.primaryServerName}-verify-${o.stamp}`;
        steps.push({
          scenario: s,
          description: "Automated backups exist",
          argv: [
            "az",
            "postgres",
            "flexible-server",
            "backup",
            "list",
            "--resource-group",
            rg,
            "--name",
            out.primaryServerName,
            "-o",
            "table",
          ],
        });
        steps.push({
          scenario: s,
          description: "Restore the latest backup to a new server",
          argv: [
            "az",
            "postgres",
            "flexible-server",
            "restore",
            "--resource-group",
            rg,
            "--name",
            target,
            "--source-server",
            out.primaryServerId,
          ],
        });
        steps.push({
          scenario: s,
          description: "pg_amcheck on the restored server",
          argv: inVnet(o, "drill-amcheck", [
            "pg_amcheck",
            "--install-missing",
            "--all",
            "-d",
            conn(`${target}.postgres.database.azure.com`, db, admin),
          ]),
        });
        steps.push({
          scenario: s,
          description: "Delete the restored server",
          argv: ["az", "postgres", "flexible-server", "delete", "--resource-group", rg, "--name", target, "--yes"],
        });
        break;
      }
      case "archive":
        steps.push({
          scenario: s,
          description: `Earliest restore point and backup redundancy (archive RPO target ≤ ${TARGETS.rpoSeconds} s)`,
          argv: [
            "az",
            "postgres",
            "flexible-server",
            "show",
            "--resource-group",
            rg,
            "--name",
            out.primaryServerName,
            "--query",
            "backup",
            "-o",
            "json",
          ],
        });
        if (drReplica !== undefined && drFqdn !== undefined) {
          steps.push({
            scenario: s,
            description: `Region loss: promote the ${o.drRegion} replica to a standalone primary (forced), then repoint DNS`,
            argv: [
              "az",
              "postgres",
              "flexible-server",
              "replica",
              "promote",
              "--resource-group",
              rg,
              "--name",
              drReplica,
              "--promote-mode",
              "standalone",
              "--promote-option",
              "forced",
              "--yes",
            ],
          });
          steps.push({
            scenario: s,
            description: "The promoted replica accepts writes",
            argv: inVnet(o, "drill-dr-write", psql(drFqdn, "SELECT NOT pg_is_in_recovery()")),
          });
        }
        break;
    }
  }
  return steps;
}

const shellQuote = (a: string): string => (/^[\w@%+=:,./${}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export function renderAzurePlan(steps: readonly AzureStep[]): string {
  return steps
    .map(
      (s, i) =>
        `# ${i + 1}. [${s.scenario}] ${s.description}${s.expectFailure ? " (must fail)" : ""}\n${s.capturesAdminPassword ? "ADMIN_PASSWORD=$(" : ""}${s.argv.map(shellQuote).join(" ")}${s.capturesAdminPassword ? ")" : ""}`,
    )
    .join("\n\n");
}

function exec(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => resolve({ code: 127, stdout, stderr: String(e) }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Run a plan against Azure (only with --execute). Scenario passes when every step met its expectation. */
export async function executeAzurePlan(steps: readonly AzureStep[], log: (s: string) => void): Promise<DrillReport> {
  let password = "";
  const results = new Map<string, ScenarioResult>();
  for (const step of steps) {
    const argv = step.argv.map((a) => a.split(ADMIN_PASSWORD).join(password));
    const t0 = performance.now();
    const r = await exec(argv);
    const seconds = (performance.now() - t0) / 1000;
    if (step.capturesAdminPassword) password = r.stdout.trim();
    const ok = step.expectFailure ? r.code !== 0 : r.code === 0;
    log(`${ok ? "✔" : "✖"} [${step.scenario}] ${step.description} (${seconds.toFixed(1)} s)`);
    const res = results.get(step.scenario) ?? { name: step.scenario, passed: true, metrics: {}, targets: {} };
    res.passed &&= ok;
    if (step.argv.includes("--failover")) {
      res.metrics.restartSeconds = Math.round(seconds * 10) / 10;
      res.targets.restartSeconds = TARGETS.failoverRtoSeconds;
    }
    results.set(step.scenario, res);
  }
  return { target: "azure", postgres: "15", scenarios: [...results.values()] };
}
