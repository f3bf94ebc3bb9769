/** hang: the primary frozen (SIGSTOP), fenced before promotion; split-brain writes counted, with an unfenced control. */
import type { Workspace } from "../cluster.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { isolationScenario, type Fault } from "./isolation.js";

/**
 * The primary hangs (SIGSTOP of its whole tree: sockets stay open, no RST) instead of dying; the detector sees probes
 * time out. The kernel keeps acknowledging TCP for the frozen server, so neither keepalives nor tcp_user_timeout fire:
 * the writer needs its own statement deadline. Fencing, the split-brain count and the control: drill/scenarios/isolation.ts.
 */
export function hangFault(o: DrillOptions["failover"]): Fault {
  let frozen = 0;
  return {
    name: "hang",
    createPrimary: (ws) => ws.createPrimary({ name: "primary" }),
    isolate: (primary) => {
      frozen = primary.freeze().length;
      return Promise.resolve(`Primary frozen (SIGSTOP of ${frozen} processes: postmaster, backends, walsender, …)`);
    },
    restore: (primary) => {
      primary.thaw(); // SIGCONT: the VM un-stalls
      return Promise.resolve();
    },
    writer: { ackTimeoutMs: o.writerAckTimeoutMs },
  };
}

export async function hangScenario(ws: Workspace, o: DrillOptions["failover"]): Promise<ScenarioOutcome> {
  return isolationScenario(ws, o, hangFault(o), { writerAckTimeoutMs: o.writerAckTimeoutMs });
}
