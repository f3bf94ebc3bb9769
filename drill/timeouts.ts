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
  /** Azurite listening on its blob endpoint (offsite). */
  azuriteStartMs: 30_000,
  /** One pgBackRest command (stanza-create, backup, restore, check) against the emulated Azure repository. */
  pgbackrestCommandMs: 300_000,
  /** Poll intervals. */
  pollMs: 50,
  fastPollMs: 20,
} as const;
