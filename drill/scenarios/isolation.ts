/**
 * The primary isolated while it still believes it is the primary — frozen (`hang`) or cut off by the network
 * (`partition`) — and what must follow: the failure detected, the old primary fenced before the standby is promoted,
 * and once the isolation ends the old primary takes no write (split-brain writes = 0). The same run without fencing is
 * each scenario's negative control and must show a split brain. One run for both scenarios; a `Fault` says how the
 * primary is isolated and how the isolation ends.
 */
import { Workspace, type Cluster } from "../cluster.js";
import { sleep } from "../exec.js";
import { eventually } from "../eventually.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TARGETS } from "../targets.js";
import { TIMEOUTS } from "../timeouts.js";
import { FailoverWriter } from "../writer.js";
import { detectFailure, detectorParameters, promotionEnd, rtoParts } from "./support.js";

export interface IsolationRun {
  passed: boolean;
  metrics: Record<string, number | boolean>;
  notes: string[];
}

export interface Fault {
  /** Scenario name (the report contract). */
  name: string;
  /** Builds the primary (a fault may need it somewhere special, e.g. in a drill network). */
  createPrimary: (ws: Workspace) => Promise<Cluster>;
  /** Isolates the primary; returns what it did, for the notes. */
  isolate: (primary: Cluster) => Promise<string>;
  /** Ends the isolation (the VM un-stalls, the link comes back). Also called on the way out: must be idempotent. */
  restore: (primary: Cluster) => Promise<void>;
  /** The writer's detection of a dead session: an application statement deadline and/or libpq keywords. */
  writer: { ackTimeoutMs?: number; extraConninfo?: string };
}

/**
 * The writer and a second application instance use the host list [primary, replica]. The detector probes the primary;
 * with `fencing` the harness SIGKILLs the old primary's tree before promoting (STONITH, out of band). Then the isolation
 * ends and the second instance connects: any write the old primary acknowledges after the promotion is a split-brain
 * write. Replication is asynchronous (a synchronous old primary could not commit without its standby, which would
 * hide the split brain).
 */
export async function isolationRun(
  ws: Workspace,
  o: DrillOptions["failover"],
  fencing: boolean,
  fault: Fault,
): Promise<IsolationRun> {
  const primary = await fault.createPrimary(ws);
  const replica = await ws.createReplica(primary, "replica");
  await primary.query(
    "CREATE TABLE drill_writes (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const ports = [primary.port, replica.port];
  const hosts = [primary.host, replica.host];
  const common = { ports, hosts, table: "drill_writes", ...fault.writer };
  const writer = new FailoverWriter(ws, common);
  // The second instance's sequence numbers must not collide with the first's.
  const second = new FailoverWriter(ws, { ...common, applicationName: "drill-writer-2", firstSeq: 1_000_000_000 });
  writer.start();
  let stopDetector = false;
  try {
    await writer.waitForAcks(10);
    await sleep(o.warmupSeconds * 1000);
    const detector = detectFailure(ws, primary.port, o, () => stopDetector, primary.host);
    await sleep(o.probeIntervalMs * Math.random());
    const isolatedAt = performance.now();
    const what = await fault.isolate(primary);
    const detectedAt = await detector;
    if (detectedAt === undefined) throw new Error(`${fault.name} never detected`);
    if (fencing) primary.kill9();
    const fencedAt = performance.now();
    await replica.promote();
    const promoteReturnedAt = performance.now();
    const first = await eventually(() => writer.acks.find((a) => a.port === replica.port && a.at > isolatedAt)?.at, {
      timeout: TIMEOUTS.firstWriteAfterHangMs,
      interval: TIMEOUTS.fastPollMs,
      what: "an acknowledged write on the promoted replica",
    });
    const promotedAt = promotionEnd({ promoteReturnedAt, firstWriteAt: first });
    // The isolation ends; a fresh application instance connects with the same host list.
    await fault.restore(primary);
    second.start();
    await sleep(o.afterSeconds * 1000);
    let directWriteAccepted = false;
    try {
      await primary.query("INSERT INTO drill_writes (seq) VALUES (-1)");
      directWriteAccepted = true;
    } catch {
      /* refused or unreachable: fenced */
    }
    await Promise.all([writer.stop(), second.stop()]);
    const acks = [...writer.acks, ...second.acks];
    const splitBrainWrites = acks.filter((a) => a.port === primary.port && a.at > promotedAt).length;
    const onNewPrimary = acks.filter((a) => a.port === replica.port).length;
    const rto = (first - isolatedAt) / 1000;
    const passed =
      splitBrainWrites === 0 && !directWriteAccepted && rto <= TARGETS.failoverRtoSeconds && onNewPrimary > 0;
    return {
      passed,
      metrics: {
        ...rtoParts({ faultAt: isolatedAt, detectedAt, fencedAt, promoteReturnedAt, firstWriteAt: first }),
        splitBrainWrites,
        directWriteAccepted,
        writesOnNewPrimary: onNewPrimary,
        abandonedWrites: writer.abandonedWrites + second.abandonedWrites,
      },
      notes: [
        `${what}; detected after ${((detectedAt - isolatedAt) / 1000).toFixed(2)} s (pg_isready timing out); ${fencing ? "fenced: the old primary's tree SIGKILLed before promotion" : "NOT fenced"}; promoted; the first writer (${describeWriter(fault.writer)}, ${writer.abandonedWrites} writes abandoned in doubt, ${writer.sessions} sessions) acknowledged on the new primary ${rto.toFixed(2)} s after the fault.`,
        `Isolation ended and a second application instance started with the same host list: ${splitBrainWrites} writes acknowledged by the old primary after the promotion (split brain), direct write to it ${directWriteAccepted ? "ACCEPTED" : "refused"}; ${onNewPrimary} writes on the new primary.`,
      ],
    };
  } finally {
    stopDetector = true;
    await fault.restore(primary).catch(() => undefined);
    await Promise.all([writer.stop(), second.stop()]);
  }
}

function describeWriter(w: Fault["writer"]): string {
  const parts: string[] = [];
  if (w.ackTimeoutMs !== undefined) parts.push(`statement deadline ${w.ackTimeoutMs} ms`);
  if (w.extraConninfo) parts.push(`libpq ${w.extraConninfo}`);
  return parts.join(", ") || "no deadline";
}

/** A fenced run (must pass) plus its negative control, the same run without fencing in its own workspace (must fail). */
export async function isolationScenario(
  ws: Workspace,
  o: DrillOptions["failover"],
  fault: Fault,
  parameters: Record<string, number | boolean> = {},
): Promise<ScenarioOutcome> {
  const fenced = await isolationRun(ws, o, true, fault);
  const cws = await Workspace.create();
  let unfenced: IsolationRun;
  try {
    unfenced = await isolationRun(cws, o, false, fault);
  } finally {
    await cws.teardown();
  }
  const controlFailed = !unfenced.passed && (unfenced.metrics.splitBrainWrites as number) > 0;
  return {
    results: [
      {
        name: fault.name,
        passed: fenced.passed && controlFailed,
        metrics: {
          ...fenced.metrics,
          controlSplitBrainWrites: unfenced.metrics.splitBrainWrites,
          controlDirectWriteAccepted: unfenced.metrics.directWriteAccepted,
        },
        targets: { rtoSeconds: TARGETS.failoverRtoSeconds, splitBrainWrites: 0, directWriteAccepted: false },
        parameters: { ...detectorParameters(o), ...parameters, fencing: true },
        controls: [{ name: "no-fencing-split-brain", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [...fenced.notes, ...unfenced.notes.map((n) => `Control without fencing: ${n}`)],
  };
}
