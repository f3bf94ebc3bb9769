/**
 * Every deadline the local drill waits on, named in one table (milliseconds). A wait that runs out throws with the name
 * of what it awaited (drill/eventually.ts), so a hung step fails instead of hanging the run.
 */
export const TIMEOUTS = {
  /** A WAL segment reaching the archive after it was requested. */
  archiveSegmentMs: 60_000,
  /** A restored or promoted cluster leaving recovery (PITR, backup restore). */
  leaveRecoveryMs: 600_000,
  /** The writer's first acknowledgements. */
  writerAcksMs: 30_000,
  /** Server back as a primary, with its archiver, after a crash-restart. */
  crashRestartMs: 60_000,
  /** switchover: a standby catching up, promoted, rejoining and streaming (each step). */
  switchoverMs: 60_000,
  /** Poll intervals. */
  pollMs: 50,
  fastPollMs: 20,
} as const;
