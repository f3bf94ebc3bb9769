/**
 * partition: the primary runs inside a drill network (drill/netns.ts) and is cut off from the writer, the standby and
 * the detector by setting its side of the veth down — packets dropped silently, the server itself running and still
 * read-write. Same pass conditions as `hang` (drill/scenarios/isolation.ts): detected, fenced before promotion, after
 * the partition heals the old primary takes no write, split-brain writes = 0; the unfenced run is the control.
 * Unlike a frozen server, a cut link acknowledges nothing, so the writer relies on the kernel: libpq's
 * `tcp_user_timeout` (unacknowledged data) and keepalives (idle session) end the dead session, with no statement
 * deadline of the application's.
 */
import type { Workspace } from "../cluster.js";
import type { NetLab } from "../netns.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { isolationScenario, type Fault } from "./isolation.js";

export function partitionWriterConninfo(o: DrillOptions["partition"]): string {
  return [
    "keepalives=1",
    `keepalives_idle=${o.keepalivesIdleSeconds}`,
    `keepalives_interval=${o.keepalivesIntervalSeconds}`,
    `keepalives_count=${o.keepalivesCount}`,
    `tcp_user_timeout=${o.tcpUserTimeoutMs}`,
  ].join(" ");
}

export function partitionFault(o: DrillOptions["partition"]): Fault {
  let lab: NetLab | undefined;
  return {
    name: "partition",
    createPrimary: async (ws) => {
      lab = await ws.addLab();
      return ws.createPrimary({ name: "primary", lab });
    },
    isolate: async () => {
      if (!lab) throw new Error("no drill network");
      await lab.cut();
      return `Primary (${lab.address}, postmaster in network namespace ${lab.ns}) cut off: ${lab.nsIf} set down, packets to and from it dropped silently`;
    },
    restore: async (primary) => {
      await lab?.heal(primary.port);
    },
    writer: { extraConninfo: partitionWriterConninfo(o) },
  };
}

export async function partitionScenario(
  ws: Workspace,
  f: DrillOptions["failover"],
  o: DrillOptions["partition"],
): Promise<ScenarioOutcome> {
  return isolationScenario(ws, f, partitionFault(o), {
    tcpUserTimeoutMs: o.tcpUserTimeoutMs,
    keepalivesIdleSeconds: o.keepalivesIdleSeconds,
    keepalivesIntervalSeconds: o.keepalivesIntervalSeconds,
    keepalivesCount: o.keepalivesCount,
  });
}
