/**
 * offsite: pgBackRest (Debian package) with an Azure Blob repository served by Azurite on 127.0.0.1 (R-DR-4): stanza
 * create, a full backup, WAL archived by `archive-push`, a restore from the offsite repository to a point in time
 * checked exactly with marker rows. Control, run for real: with archiving broken (archive-push sent to a container that
 * does not exist) `pgbackrest check` must fail. Repository options from pgBackRest's configuration reference
 * (repo-type=azure, repo-azure-account/-container/-key, repo-azure-uri-style=path "Connect to endpoint host and prepend
 * account to URIs", repo-storage-host/-port/-ca-file; `pgbackrest help backup <option>` prints the same).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Cluster, freePort, type Workspace } from "../cluster.js";
import { eventually } from "../eventually.js";
import { killPid, pidAlive, run, runAsServer, sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TIMEOUTS } from "../timeouts.js";
import { Azurite } from "./azurite.js";
import { checksumDifferences, tableChecksums } from "./checksums.js";
import { parseRecoveryStop } from "./pitr-log.js";
import { pgbenchInit, round, waitPromoted } from "./support.js";

export const PGBACKREST = process.env.AUTHDB_PGBACKREST ?? "/usr/bin/pgbackrest";
const STANZA = "drill";
const CONTAINER = "authdb-backups";

/** pgbackrest.conf for the emulated Azure repository; the key goes to a separate include file. */
export function pgbackrestConf(o: {
  account: string;
  container: string;
  host: string;
  port: number;
  caFile: string;
  dir: string;
  pgPath: string;
  pgPort: number;
  socketDir: string;
}): string {
  return [
    "[global]",
    "repo1-type=azure",
    "repo1-path=/authdb",
    `repo1-azure-account=${o.account}`,
    `repo1-azure-container=${o.container}`,
    "repo1-azure-key-type=shared",
    "repo1-azure-uri-style=path",
    `repo1-storage-host=${o.host}`,
    `repo1-storage-port=${o.port}`,
    `repo1-storage-ca-file=${o.caFile}`,
    "repo1-retention-full=2",
    "compress-type=lz4",
    "start-fast=y",
    // Bounds a push or get that waits on an unreachable repository (default 60 s).
    "io-timeout=10",
    `log-path=${o.dir}/log`,
    `lock-path=${o.dir}/lock`,
    `spool-path=${o.dir}/spool`,
    "log-level-console=warn",
    "log-level-file=info",
    "",
    `[${STANZA}]`,
    `pg1-path=${o.pgPath}`,
    `pg1-port=${o.pgPort}`,
    `pg1-socket-path=${o.socketDir}`,
    "pg1-user=postgres",
    "",
  ].join("\n");
}

export async function offsiteScenario(ws: Workspace, o: DrillOptions["offsite"]): Promise<ScenarioOutcome> {
  const azurite = new Azurite(ws);
  try {
    return await offsite(ws, o, azurite);
  } finally {
    // Servers first, while the repository still answers: an archive-push the archiver started (archiver → sh →
    // pgbackrest, grandchildren the postmaster's stop does not reach) then ends by itself; whatever of that tree is
    // still alive afterwards is killed by pid. Azurite last.
    const tree = ws.clusters.flatMap((c) => c.treePids());
    await Promise.all(ws.clusters.map((c) => c.stop().catch(() => undefined)));
    for (const p of tree) if (pidAlive(p)) killPid(p, "SIGKILL");
    await azurite.stop();
  }
}

async function offsite(ws: Workspace, o: DrillOptions["offsite"], azurite: Azurite): Promise<ScenarioOutcome> {
  await azurite.start();
  await eventually(() => azurite.createContainer(CONTAINER).then(() => true), {
    timeout: TIMEOUTS.azuriteStartMs,
    interval: 200,
    what: `container ${CONTAINER} in Azurite`,
  });

  const dir = join(ws.dir, "pgbackrest");
  ws.mkdirServer(dir);
  for (const d of ["log", "lock", "spool", "conf.d"]) ws.mkdirServer(join(dir, d));
  const confFile = join(dir, "pgbackrest.conf");
  // The key: a server-owned 0600 include file, read by the harness's commands and by the server's archive-push and
  // archive-get alike; never in argv, postgresql.conf or the server's environment.
  ws.writeServerFile(join(dir, "conf.d", "repo-key.conf"), `[global]\nrepo1-azure-key=${azurite.key}\n`, 0o600);
  const base = [`--config=${confFile}`, `--config-include-path=${join(dir, "conf.d")}`, `--stanza=${STANZA}`];
  const pushCommand = (extra = ""): string => `${PGBACKREST} ${base.join(" ")}${extra} archive-push %p`;

  const primary = await ws.createPrimary({
    name: "primary",
    archiveTimeoutSeconds: o.archiveTimeoutSeconds,
    extra: { track_commit_timestamp: "on", archive_command: pushCommand() },
  });
  ws.writeServerFile(
    confFile,
    pgbackrestConf({
      account: azurite.account,
      container: CONTAINER,
      host: "127.0.0.1",
      port: azurite.port,
      caFile: azurite.certFile,
      dir,
      pgPath: primary.dataDir,
      pgPort: primary.port,
      socketDir: ws.socketDir,
    }),
    0o600,
  );
  // pgBackRest reaches the server over its Unix socket; libpq matches a socket outside the default directory by the
  // directory's path in the passfile's host field.
  const passfile = join(dir, "pgpass");
  ws.writeServerFile(passfile, `${ws.socketDir}:*:*:postgres:${ws.passwordFor("postgres")}\n`, 0o600);
  const env = { ...ws.clientEnv(), PGPASSFILE: passfile };
  const pgbackrest = (args: string[], allowFailure = false) =>
    runAsServer(PGBACKREST, [...base, ...args], { env, allowFailure, timeoutMs: TIMEOUTS.pgbackrestCommandMs });

  await pgbackrest(["stanza-create"]);
  const check = await pgbackrest(["check"], true);
  await pgbenchInit(ws, primary, o.scale);
  await primary.query(
    "CREATE TABLE offsite_rows (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const source = await tableChecksums(primary);
  const b0 = performance.now();
  await pgbackrest(["--type=full", "backup"]);
  const backupSeconds = (performance.now() - b0) / 1000;
  const info = JSON.parse((await pgbackrest(["--output=json", "info"])).stdout) as {
    backup?: { type: string; info?: { repository?: { size?: number } } }[];
  }[];
  const backups = info[0]?.backup ?? [];
  const repoBytes = backups[backups.length - 1]?.info?.repository?.size ?? 0;

  // pgBackRest keeps a backup's stop time in whole seconds and restores to T only from a set that stopped strictly
  // before T ("unable to find backup set with stop time less than …", seen here when T fell in the backup's last
  // second): the markers start after the next whole second.
  await sleep(1100);
  // Marker rows after the backup, one per transaction; T = the commit time of row `target` (inclusive).
  const xids: number[] = [];
  for (let id = 1; id <= o.rows; id++) {
    const r = await primary.query<{ xid: string }>(
      "INSERT INTO offsite_rows (id) VALUES ($1) RETURNING xmin::text AS xid",
      [id],
    );
    xids.push(Number(r[0]?.xid));
    await sleep(5);
  }
  const target = Math.ceil(o.rows / 2);
  const targetTime = String(
    await primary.scalar("SELECT pg_xact_commit_timestamp($1::text::xid)::text", [xids[target - 1]]),
  );
  // Every marker must be in the offsite archive: switch, then wait until archive-push reported the segment.
  const segment = String(await primary.scalar("SELECT pg_walfile_name(pg_switch_wal() - 1)"));
  await eventually(
    async () => String(await primary.scalar("SELECT last_archived_wal FROM pg_stat_archiver")) >= segment,
    {
      timeout: TIMEOUTS.archiveSegmentMs,
      interval: TIMEOUTS.pollMs,
      what: `${segment} pushed to the offsite repository`,
    },
  );
  const localArchive = readdirSync(ws.archiveDir).length;

  // Restore from the offsite repository only, into a new directory, to T.
  const restoreDir = join(ws.dir, "restored");
  const r0 = performance.now();
  await pgbackrest([
    `--pg1-path=${restoreDir}`,
    "--type=time",
    `--target=${targetTime}`,
    "--target-action=promote",
    "restore",
  ]);
  const port = await freePort();
  const restored = new Cluster(ws, "restored", restoreDir, port);
  ws.clusters.push(restored);
  // The restored copy must not push into the same repository: archiving off, its own port.
  restored.writeInstanceConf([`port = ${port}`, "cluster_name = 'restored'", "archive_mode = off"]);
  await restored.start();
  await waitPromoted(restored, TIMEOUTS.leaveRecoveryMs);
  const restoreSeconds = (performance.now() - r0) / 1000;
  const rows = (
    await restored.query<{ count: number; max: number }>(
      "SELECT count(*)::int AS count, coalesce(max(id), 0)::int AS max FROM offsite_rows",
    )
  )[0] ?? { count: -1, max: -1 };
  const exact = rows.count === target && rows.max === target;
  const restoredSums = await tableChecksums(restored);
  // The pgbench tables were not written after the backup: equal to the source; offsite_rows is checked by markers.
  const pgbenchOnly = (s: typeof source) =>
    Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith("public.pgbench_")));
  const differences = checksumDifferences(pgbenchOnly(source), pgbenchOnly(restoredSums));
  const log = existsSync(restored.logFile) ? readFileSync(restored.logFile, "utf8") : "";
  const stop = parseRecoveryStop(log);
  const restoreCommand = String(await restored.scalar("SHOW restore_command"));
  const stopLine = stop?.kind === "before-commit" && stop.xid === xids[target];
  await restored.stop();

  // Control: archiving broken (archive-push to a container that does not exist) ⇒ `pgbackrest check` must fail.
  await primary.setInstanceSetting("archive_command", pushCommand(" --repo1-azure-container=no-such-container"));
  const broken = await pgbackrest([`--archive-timeout=${o.checkArchiveTimeoutSeconds}`, "check"], true);
  const archiverFailed = Number(await primary.scalar("SELECT failed_count FROM pg_stat_archiver")) > 0;
  await primary.setInstanceSetting("archive_command", pushCommand());
  const repaired = await pgbackrest(["check"], true);

  const keyLeaked = [primary.logFile, ...readdirSync(join(dir, "log")).map((f) => join(dir, "log", f))].some(
    (f) => existsSync(f) && readFileSync(f, "utf8").includes(azurite.key),
  );
  const controls = [
    { name: "check-with-archiving-broken", expectFailure: true as const, failed: broken.code !== 0 && archiverFailed },
  ];
  const passed =
    check.code === 0 &&
    exact &&
    stopLine &&
    differences.length === 0 &&
    localArchive === 0 &&
    restoreCommand.includes("archive-get") &&
    repaired.code === 0 &&
    !keyLeaked &&
    controls.every((c) => c.failed);
  const out = (r: { stdout: string; stderr: string }): string =>
    (r.stdout + r.stderr)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .slice(0, 2)
      .join(" ");
  // The pgBackRest version, for the notes.
  const version = (await run(PGBACKREST, ["version"])).stdout.trim();
  return {
    results: [
      {
        name: "offsite",
        passed,
        metrics: {
          checkPassed: check.code === 0,
          restoredExact: exact,
          rowsAfterTarget: Math.max(0, rows.max - target),
          rowsMissingBeforeTarget: Math.max(0, target - rows.count),
          recoveryStopLine: stopLine,
          pgbenchChecksumsMatch: differences.length === 0,
          localArchiveFiles: localArchive,
          checkFailedWithArchivingBroken: broken.code !== 0,
          checkPassedAfterRepair: repaired.code === 0,
          keyInLogs: keyLeaked,
          backupSeconds: round(backupSeconds),
          restoreSeconds: round(restoreSeconds),
          repositoryMB: round(repoBytes / 1e6, 1),
        },
        targets: { restoredExact: true, rowsAfterTarget: 0, rowsMissingBeforeTarget: 0, keyInLogs: false },
        parameters: {
          scale: o.scale,
          markerRows: o.rows,
          targetRow: target,
          archiveTimeoutSeconds: o.archiveTimeoutSeconds,
          checkArchiveTimeoutSeconds: o.checkArchiveTimeoutSeconds,
        },
        controls,
      },
    ],
    notes: [
      `${version} with repo1-type=azure on Azurite (HTTPS on 127.0.0.1:${azurite.port}, certificate verified with repo1-storage-ca-file, account and key generated for the run); archive_command = pgbackrest archive-push, the local archive directory stayed empty (${localArchive} files).`,
      `stanza-create, check ${check.code === 0 ? "passed" : `FAILED: ${out(check)}`}; full backup ${backupSeconds.toFixed(2)} s (${(repoBytes / 1e6).toFixed(1)} MB in the repository); ${o.rows} marker rows, T = commit time of row ${target} (${targetTime}).`,
      `pgbackrest restore --type=time --target=T --target-action=promote into a new directory, started with its own port and archiving off: ${restoreSeconds.toFixed(2)} s; rows 1..${rows.max} (${rows.count}) — ${exact ? "exact" : "NOT exact"}; server: ${stop ? JSON.stringify(stop) : "no recovery-stop line"}; restore_command ${restoreCommand.includes("archive-get") ? "is pgbackrest archive-get" : restoreCommand}; pgbench tables ${differences.length === 0 ? "equal to the source (per-table md5)" : differences.join("; ")}.`,
      `Control: archive-push sent to a container that does not exist: pgbackrest check --archive-timeout=${o.checkArchiveTimeoutSeconds} ${broken.code !== 0 ? `failed: ${out(broken)}` : "PASSED (control did not fail)"}; pg_stat_archiver failed_count ${archiverFailed ? "> 0" : "0"}; after restoring archive_command, check ${repaired.code === 0 ? "passed" : `failed: ${out(repaired)}`}. Repository key ${keyLeaked ? "FOUND" : "not found"} in the server and pgBackRest logs.`,
    ],
  };
}
