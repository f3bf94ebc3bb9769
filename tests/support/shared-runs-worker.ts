// Runs the project's program for tests/support/shared-runs.ts, one request at a time: a run sets Pulumi's process-wide
// mocks and config, so two at once would mix.
import { parentPort } from "node:worker_threads";
import { type OfflineOptions, runOffline } from "../../tools/offline.js";

let queue: Promise<unknown> = Promise.resolve();
parentPort?.on("message", ({ id, opts }: { id: number; opts: OfflineOptions }) => {
  queue = queue.then(async () => {
    try {
      parentPort?.postMessage({ id, run: await runOffline(opts) });
    } catch (e) {
      parentPort?.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
    }
  });
});
