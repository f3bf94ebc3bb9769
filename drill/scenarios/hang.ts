/** hang: the primary frozen (SIGSTOP), fenced before promotion; split-brain writes counted, with an unfenced control. */
import { Workspace } from "../cluster.js";
import { sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import { eventually } from "../eventually.js";
import { TIMEOUTS } from "../timeouts.js";
import type { ScenarioOutcome } from "../report.js";
import { TARGETS } from "../targets.js";
import { FailoverWriter } from "../writer.js";
import { detectFailure, detectorParameters, round } from "./support.js";

export interface HangRun {
  passed: boolean;
  metrics: Record<string, number | boolean>;
  notes: string[];
}

/**
 * The primary hangs (SIGSTOP of its whole tree: sockets stay open, no RST) instead of dying. The detector sees probes
 * time out; with `fencing` the harness SIGKILLs the frozen tree before promoting (STONITH), so the old primary cannot
 * come back. Then the old primary is resumed (SIGCONT) and a second application instance connects with the same host
 * list: any write acknowledged by the old primary after the promotion is a split-brain write. Replication is
 * asynchronous (a synchronous old primary could not commit without its standby, which would hide the split brain).
 */
export async function hangRun(ws: Workspace, o: DrillOptions["failover"], fencing: boolean): Promise<HangRun> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  await primary.query(
    "CREATE TABLE drill_writes (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const ports = [primary.port, replica.port];
  const writer = new FailoverWriter(ws, { ports, table: "drill_writes", ackTimeoutMs: o.writerAckTimeoutMs });
  // The second instance's sequence numbers must not collide with the first's.
  const second = new FailoverWriter(ws, {
    ports,
    table: "drill_writes",
    ackTimeoutMs: o.writerAckTimeoutMs,
    applicationName: "drill-writer-2",
    firstSeq: 1_000_000_000,
  });
  writer.start();
  let stopDetector = false;
  try {
    await writer.waitForAcks(10);
    await sleep(o.warmupSeconds * 1000);
    const detector = detectFailure(ws, primary.port, o, () => stopDetector);
    await sleep(o.probeIntervalMs * Math.random());
    const frozenAt = performance.now();
    const frozen = primary.freeze();
    const detectedAt = await detector;
    if (detectedAt === undefined) throw new Error("hang never detected");
    if (fencing) primary.kill9();
    const fencedAt = performance.now();
    await replica.promote();
    const promotedAt = performance.now();
    const first = await eventually(() => writer.acks.find((a) => a.port === replica.port && a.at > frozenAt)?.at, {
      timeout: TIMEOUTS.firstWriteAfterHangMs,
      interval: TIMEOUTS.fastPollMs,
      what: "an acknowledged write on the promoted replica",
    });
    // The old primary resumes (a VM un-stalls); a fresh application instance connects with the same host list.
    primary.thaw();
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
    const rto = (first - frozenAt) / 1000;
    const passed =
      splitBrainWrites === 0 && !directWriteAccepted && rto <= TARGETS.failoverRtoSeconds && onNewPrimary > 0;
    return {
      passed,
      metrics: {
        rtoSeconds: round(rto),
        detectSeconds: round((detectedAt - frozenAt) / 1000),
        fenceSeconds: round((fencedAt - detectedAt) / 1000),
        promoteSeconds: round((promotedAt - fencedAt) / 1000),
        reconnectSeconds: round((first - promotedAt) / 1000),
        splitBrainWrites,
        directWriteAccepted,
        writesOnNewPrimary: onNewPrimary,
        abandonedWrites: writer.abandonedWrites + second.abandonedWrites,
      },
      notes: [
        `Primary frozen (SIGSTOP of ${frozen.length} processes: postmaster, backends, walsender, …); detected after ${((detectedAt - frozenAt) / 1000).toFixed(2)} s (pg_isready timing out); ${fencing ? "fenced: the frozen tree SIGKILLed before promotion" : "NOT fenced"}; promoted; the first writer (statement deadline ${o.writerAckTimeoutMs} ms, ${writer.abandonedWrites} writes abandoned in doubt) acknowledged on the new primary ${rto.toFixed(2)} s after the freeze.`,
        `Old primary resumed (SIGCONT) and a second application instance started with the same host list: ${splitBrainWrites} writes acknowledged by the old primary after the promotion (split brain), direct write to it ${directWriteAccepted ? "ACCEPTED" : "refused"}; ${onNewPrimary} writes on the new primary.`,
      ],
    };
  } finally {
    stopDetector = true;
    primary.thaw();
    await Promise.all([writer.stop(), second.stop()]);
  }
}

/** `hang`: fenced run (must pass) plus its negative control, the same run without fencing in its own workspace (must fail). */
export async function hangScenario(ws: Workspace, o: DrillOptions["failover"]): Promise<ScenarioOutcome> {
  const fenced = await hangRun(ws, o, true);
  const cws = await Workspace.create();
  let unfenced: HangRun;
  try {
    unfenced = await hangRun(cws, o, false);
  } finally {
    await cws.teardown();
  }
  const controlFailed = !unfenced.passed && (unfenced.metrics.splitBrainWrites as number) > 0;
  return {
    results: [
      {
        name: "hang",
        passed: fenced.passed && controlFailed,
        metrics: {
          ...fenced.metrics,
          controlSplitBrainWrites: unfenced.metrics.splitBrainWrites,
          controlDirectWriteAccepted: unfenced.metrics.directWriteAccepted,
        },
        targets: { rtoSeconds: TARGETS.failoverRtoSeconds, splitBrainWrites: 0, directWriteAccepted: false },
        parameters: { ...detectorParameters(o), writerAckTimeoutMs: o.writerAckTimeoutMs, fencing: true },
        controls: [{ name: "no-fencing-split-brain", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [...fenced.notes, ...unfenced.notes.map((n) => `Control without fencing: ${n}`)],
  };
}
