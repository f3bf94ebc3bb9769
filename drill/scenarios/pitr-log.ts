/**
 * What a restoring server says about its recovery, parsed from its log (PostgreSQL 15,
 * src/backend/access/transam/xlogrecovery.c): `redo starts at %X/%X`, `redo done at %X/%X system usage: … elapsed: %s s`
 * and `recovery stopping before|after commit of transaction %u, time %s` / `recovery stopping at restore point "%s",
 * time %s`. The replay throughput comes from these server-side LSNs and the startup process's own elapsed time.
 */

/** An LSN `X/Y` as a byte position. */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m?.[1] || !m[2]) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

export interface RedoSummary {
  startLsn: string;
  doneLsn: string;
  bytes: number;
  /** The startup process's wall-clock time from redo start to redo done, seconds (its own `elapsed`). */
  elapsedSeconds: number;
}

export function parseRedo(log: string): RedoSummary | undefined {
  const start = /redo starts at ([0-9A-F]+\/[0-9A-F]+)/.exec(log);
  const done = /redo done at ([0-9A-F]+\/[0-9A-F]+) system usage: .*?elapsed: ([\d.]+) s/.exec(log);
  if (!start?.[1] || !done?.[1] || !done[2]) return undefined;
  return {
    startLsn: start[1],
    doneLsn: done[1],
    bytes: Number(parseLsn(done[1]) - parseLsn(start[1])),
    elapsedSeconds: Number(done[2]),
  };
}

export type RecoveryStop =
  | { kind: "before-commit" | "after-commit"; xid: number; time: string }
  | { kind: "restore-point"; name: string; time: string };

export function parseRecoveryStop(log: string): RecoveryStop | undefined {
  const xact = /recovery stopping (before|after) commit of transaction (\d+), time (.+)/.exec(log);
  if (xact?.[1] && xact[2] && xact[3])
    return {
      kind: xact[1] === "before" ? "before-commit" : "after-commit",
      xid: Number(xact[2]),
      time: xact[3].trim(),
    };
  const rp = /recovery stopping at restore point "([^"]*)", time (.+)/.exec(log);
  if (rp?.[1] !== undefined && rp[2]) return { kind: "restore-point", name: rp[1], time: rp[2].trim() };
  return undefined;
}

/** The DR plan's restore (R-DR-3: weekly full + WAL, R-DR-2: RTO), extrapolated from measured rates. */
export interface RestoreExtrapolation {
  copySeconds: number;
  replaySeconds: number;
  totalSeconds: number;
  /** The WAL volume per day at which the restore still fits the RTO (0 when the copy alone does not). */
  maxWalPerDayBytes: number;
}

export function extrapolateRestore(p: {
  fullBackupBytes: number;
  walPerDayBytes: number;
  walDays: number;
  copyBytesPerSecond: number;
  replayBytesPerSecond: number;
  rtoSeconds: number;
}): RestoreExtrapolation {
  if (!(p.copyBytesPerSecond > 0) || !(p.replayBytesPerSecond > 0)) throw new Error("rates must be positive");
  const copySeconds = p.fullBackupBytes / p.copyBytesPerSecond;
  const replaySeconds = (p.walPerDayBytes * p.walDays) / p.replayBytesPerSecond;
  const left = p.rtoSeconds - copySeconds;
  return {
    copySeconds,
    replaySeconds,
    totalSeconds: copySeconds + replaySeconds,
    maxWalPerDayBytes: left > 0 ? (left * p.replayBytesPerSecond) / p.walDays : 0,
  };
}
