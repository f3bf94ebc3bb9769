/**
 * `npm run ops:check -- --stack <name> [--outputs <pulumi stack output --json file>]`: the install plan's daily checks
 * against Azure with the deployer's `az`: server and HA state, replica state and lag, the last backup and its
 * age, alerts of the last 24 h, Defender recommendations, Key Vault secret expiry. Prints one table and exits 1 when a
 * check fails, 2 on bad usage. Secret values are never requested: the vault check reads attributes only.
 * `--now <ISO time>` replays recorded output at the time it was recorded (tests).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parsePlatform } from "../infra/config/platform.js";
import { readStackFile } from "./offline.js";
import {
  type CheckResult,
  checkAlerts,
  checkBackup,
  checkDefender,
  checkReplicaLag,
  checkReplicas,
  checkSecrets,
  checkServer,
  resultTable,
} from "./ops/checks.js";
import { type StackOutputs, accountShow, azCommands, opsTarget } from "./ops/commands.js";

const USAGE = "usage: npm run ops:check -- --stack <name> [--outputs <stack-outputs.json>]";
/** Snapshots are daily; two hours of slack for the snapshot's own duration. */
const MAX_BACKUP_AGE_HOURS = 26;
/** Two weeks' notice before a password expires: time to rotate (README, "Rotating passwords"). */
const SECRET_WARN_DAYS = 14;

type AzResult = { ok: true; value: unknown } | { ok: false; error: string };

/** `az postgres flexible-server backup list`: the command words, without flags or values. */
const commandName = (argv: string[]) =>
  `az ${argv
    .slice(
      0,
      argv.findIndex((a) => a.startsWith("-")),
    )
    .join(" ")}`;
/** az's first error line, cut: it can echo a whole request. */
const firstLine = (stderr: string) => {
  const line = stderr.split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
};

function az(argv: string[]): AzResult {
  const r = spawnSync("az", argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, error: `az could not run: ${r.error.message}` };
  if (r.status !== 0)
    return {
      ok: false,
      error: `${commandName(argv)} exited ${r.status}: ${firstLine(r.stderr || "")}`,
    };
  try {
    return { ok: true, value: JSON.parse(r.stdout) };
  } catch {
    return { ok: false, error: `${commandName(argv)} printed no JSON` };
  }
}

/** A failed az call is a failed check, named after what it would have checked. */
const failed = (check: string, subject: string, error: string): CheckResult => ({
  check,
  subject,
  target: "az answers",
  observed: error,
  verdict: "FAIL",
});

function main(argv: string[]): number {
  let values: { stack?: string; outputs?: string; now?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, outputs: { type: "string" }, now: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.stack) {
    process.stderr.write(`--stack is required\n${USAGE}\n`);
    return 2;
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    process.stderr.write(`--now ${values.now} is not a date\n`);
    return 2;
  }
  let platform;
  let outputs: StackOutputs = {};
  try {
    platform = parsePlatform(readStackFile(`Pulumi.${values.stack}.yaml`).config["authdb:platform"], {
      teamsWebhookUrl: "secret",
    });
    if (values.outputs) outputs = JSON.parse(readFileSync(values.outputs, "utf8")) as StackOutputs;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (platform.kind !== "azure") {
    process.stderr.write(`stack ${values.stack} is not on Azure: the daily check is for Azure stacks\n`);
    return 2;
  }

  const account = az(accountShow());
  if (!account.ok) {
    process.stdout.write(`${resultTable([failed("az login", "subscription", account.error)])}\n`);
    return 1;
  }
  const id = (account.value as { id?: unknown }).id;
  const subscriptionId = typeof id === "string" ? id : "";
  const target = opsTarget(platform, subscriptionId, outputs);
  const cmd = azCommands(target);
  const results: CheckResult[] = [];
  const run = (check: string, subject: string, argv: string[], judge: (v: unknown) => CheckResult | CheckResult[]) => {
    const r = az(argv);
    results.push(...(r.ok ? [judge(r.value)].flat() : [failed(check, subject, r.error)]));
  };
  run("server state", target.primary.name, cmd.server, (v) => checkServer(v, target.primary.name, target.expectHa));
  if (target.replicas.length)
    run("replica state", target.primary.name, cmd.replicas, (v) =>
      checkReplicas(
        v,
        target.replicas.map((r) => r.name),
      ),
    );
  for (const l of cmd.lag)
    run("replica lag", l.replica.name, l.argv, (v) => checkReplicaLag(v, l.replica.name, target.lagThresholdSeconds));
  run("last backup", target.primary.name, cmd.backups, (v) =>
    checkBackup(v, target.primary.name, now, MAX_BACKUP_AGE_HOURS),
  );
  run("alerts, last 24 h", target.resourceGroup, cmd.alerts, (v) => checkAlerts(v, target.resourceGroup));
  run("Defender recommendations", target.resourceGroup, cmd.defender, (v) => checkDefender(v, target.resourceGroupId));
  run("secret expiry", target.keyVault, cmd.secrets, (v) =>
    checkSecrets(v, target.secretNames, now, SECRET_WARN_DAYS, target.rotationPeriodDays),
  );

  process.stdout.write(`authdb daily check — stack ${values.stack}, ${now.toISOString()}\n${resultTable(results)}\n`);
  const failures = results.filter((r) => r.verdict === "FAIL").length;
  process.stdout.write(
    failures ? `${failures} of ${results.length} checks failed\n` : `all ${results.length} checks passed\n`,
  );
  return failures ? 1 : 0;
}

process.exit(main(process.argv.slice(2)));
