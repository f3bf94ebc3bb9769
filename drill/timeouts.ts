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
  /** The promoted replica's first acknowledged write after a kill (failover). */
  firstWriteOnPromotedMs: 6_000,
  /** The promoted replica's first acknowledged write after a freeze (hang: the writer's own deadline comes first). */
  firstWriteAfterHangMs: 15_000,
  /** The standby replaying everything the primary wrote, once the load stops (lag). */
  replicaCatchUpMs: 5_000,
  /** A reloaded setting visible in pg_settings or pg_stat_replication. */
  settingAppliedMs: 5_000,
  /** A new standby streaming from its primary. */
  standbyStreamingMs: 30_000,
  /** Every process of a stopped cluster gone after SIGKILL. */
  processesGoneMs: 5_000,
  /** switchover: a standby catching up, promoted, rejoining and streaming (each step). */
  switchoverMs: 60_000,
  /** Azurite listening on its blob endpoint (offsite). */
  azuriteStartMs: 30_000,
  /** One pgBackRest command (stanza-create, backup, restore, check) against the emulated Azure repository. */
  pgbackrestCommandMs: 300_000,
  /** Poll intervals. */
  pollMs: 50,
  fastPollMs: 20,
} as const;
