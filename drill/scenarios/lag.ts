/** lag: replication lag under write load. */
import { Workspace } from "../cluster.js";
import { sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import { eventually } from "../eventually.js";
import { TIMEOUTS } from "../timeouts.js";
import type { ScenarioOutcome } from "../report.js";
import { TARGETS } from "../targets.js";
import { pgbenchInit, pgbenchRun, round } from "./support.js";

export async function lagScenario(ws: Workspace, o: DrillOptions["lag"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  await pgbenchInit(ws, primary, o.scale);
  const pc = await primary.client();
  const rc = await replica.client();
  let maxReplay = 0;
  let maxReplica = 0;
  let maxBytes = 0;
  let samples = 0;
  try {
    const start = new Date();
    let done = false;
    const bench = pgbenchRun(ws, primary, o.clients, o.durationSeconds, "lag").finally(() => (done = true));
    while (!done) {
      const [p, r] = await Promise.all([
        pc.query<{ replay: number | null; bytes: string | null }>(
          "SELECT extract(epoch FROM replay_lag)::float8 AS replay, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS bytes FROM pg_stat_replication WHERE application_name = 'replica'",
        ),
        rc.query<{ lag: number | null; fresh: boolean }>(
          "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag, pg_last_xact_replay_timestamp() >= $1 AS fresh",
          [start],
        ),
      ]);
      const pr = p.rows[0];
      const rr = r.rows[0];
      if (!done && pr && rr?.fresh) {
        samples++;
        maxReplay = Math.max(maxReplay, pr.replay ?? 0);
        maxReplica = Math.max(maxReplica, rr.lag ?? 0);
        maxBytes = Math.max(maxBytes, Number(pr.bytes ?? 0));
      }
      await sleep(100);
    }
    const b = await bench;
    // Caught up at the end?
    // Not catching up is a result (the scenario fails), not an error: the timeout is caught.
    const caughtUp = await eventually(
      async () => {
        const lsn = await pc.query<{ d: string }>(
          "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text d FROM pg_stat_replication WHERE application_name = 'replica'",
        );
        return Number(lsn.rows[0]?.d ?? -1) === 0;
      },
      { timeout: TIMEOUTS.replicaCatchUpMs, interval: TIMEOUTS.pollMs, what: "the replica to catch up" },
    ).catch(() => false);
    const maxSeconds = Math.max(maxReplay, maxReplica);
    return {
      results: [
        {
          name: "lag",
          passed: samples >= 5 && maxSeconds < TARGETS.replicaLagSeconds && caughtUp,
          metrics: {
            maxSeconds: round(maxSeconds),
            maxReplayLagSeconds: round(maxReplay),
            maxReplicaClockLagSeconds: round(maxReplica),
            maxBytes,
            samples,
          },
          targets: { maxSeconds: TARGETS.replicaLagSeconds },
        },
      ],
      notes: [
        `Asynchronous streaming replica under pgbench ${o.clients} clients (${b.tps.toFixed(0)} TPS) for ${o.durationSeconds} s; ${samples} samples every 100 ms.`,
        `maxSeconds = max of the primary's pg_stat_replication.replay_lag and the replica's now() − pg_last_xact_replay_timestamp() (sampled only once the replica replays commits from the load, so idle time is not counted). Max byte lag ${maxBytes}. Caught up after load: ${caughtUp}.`,
      ],
    };
  } finally {
    await pc.end().catch(() => undefined);
    await rc.end().catch(() => undefined);
  }
}
