/**
 * The Azure failover's measurements from the server's own rows (D102): the writer inserts one row per write carrying
 * `clock_timestamp()`, the server's address and the WAL insert timeline (`pg_walfile_name(pg_current_wal_lsn())`'s
 * first 8 hex digits, which changes at promotion; `pg_control_checkpoint()` only after the next checkpoint), and prints
 * `ack <seq>` only when the INSERT's RETURNING came back. RTO = first row on the new timeline − last row on the old
 * one (both server clocks); lost = acknowledged sequence numbers absent from the table after the failover.
 */

/** The control write: acknowledged to the writer's log although its transaction was rolled back (must count as lost). */
export const CONTROL_SEQ = 0;

export interface WriteRow {
  seq: number;
  /** clock_timestamp() of the row, epoch seconds. */
  at: number;
  timeline: string;
  server: string;
}

export interface WriteAnalysis {
  acknowledged: number;
  rows: number;
  lostAcknowledgedWrites: number;
  /** Server-side write gap across the promotion; undefined without rows on two timelines. */
  rtoSeconds?: number;
  timelines: string[];
  servers: string[];
  rowsBeforeFailover: number;
  rowsAfterFailover: number;
  /** The rolled-back control write was seen as lost. */
  controlDetected: boolean;
}

/** `ack <seq>` lines of the writer's stdout (anything else is ignored). */
export function parseAcks(stdout: string): number[] {
  return stdout
    .split("\n")
    .map((l) => /^ack (\d+)$/.exec(l.trim())?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
}

/** psql -A -t -F '|' rows `seq|epoch|timeline|server`. */
export function parseRows(stdout: string): WriteRow[] {
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => {
      const [seq, at, timeline, server] = l.split("|");
      const row = { seq: Number(seq), at: Number(at), timeline: timeline ?? "", server: server ?? "" };
      if (!Number.isInteger(row.seq) || !Number.isFinite(row.at) || !/^[0-9A-F]{8}$/i.test(row.timeline))
        throw new Error(`not a write row: ${l}`);
      return row;
    });
}

export function analyzeWrites(ackStdout: string, rowStdout: string): WriteAnalysis {
  const acks = parseAcks(ackStdout);
  const rows = parseRows(rowStdout).sort((a, b) => a.at - b.at);
  const present = new Set(rows.map((r) => r.seq));
  const real = acks.filter((s) => s !== CONTROL_SEQ);
  const timelines = [...new Set(rows.map((r) => r.timeline))].sort();
  const servers = [...new Set(rows.map((r) => r.server))];
  const first = rows[0]?.timeline;
  const before = rows.filter((r) => r.timeline === first);
  const after = rows.filter((r) => r.timeline !== first);
  const lastBefore = before[before.length - 1];
  const firstAfter = after[0];
  return {
    acknowledged: real.length,
    rows: rows.length,
    lostAcknowledgedWrites: real.filter((s) => !present.has(s)).length,
    ...(lastBefore && firstAfter ? { rtoSeconds: Math.round((firstAfter.at - lastBefore.at) * 1000) / 1000 } : {}),
    timelines,
    servers,
    rowsBeforeFailover: before.length,
    rowsAfterFailover: after.length,
    controlDetected: acks.includes(CONTROL_SEQ) && !present.has(CONTROL_SEQ),
  };
}

/** The pass condition: rows on both sides of a promotion, RTO within the target, no acknowledged write lost. */
export function failoverProblem(a: WriteAnalysis, rtoTargetSeconds: number): string | undefined {
  const problems: string[] = [];
  if (a.rowsBeforeFailover === 0 || a.rowsAfterFailover === 0 || a.rtoSeconds === undefined)
    problems.push(
      `no promotion seen in the rows (timelines ${a.timelines.join(", ") || "none"}): the writer did not write across the failover`,
    );
  else if (a.rtoSeconds > rtoTargetSeconds) problems.push(`RTO ${a.rtoSeconds} s > ${rtoTargetSeconds} s`);
  if (a.lostAcknowledgedWrites > 0)
    problems.push(`${a.lostAcknowledgedWrites} of ${a.acknowledged} acknowledged writes missing`);
  return problems.length ? problems.join("; ") : undefined;
}
