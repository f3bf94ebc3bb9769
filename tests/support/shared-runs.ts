/**
 * Imported first by each unit-tier shard (scripts/run-tests.sh). Many files run the project's program on the same
 * stack config, and inside node:test every run is 3–4× slower than outside it (0.7 s → 2.3–3.7 s for prod on this
 * machine): the runner installs an async hook (init/destroy, to attribute async work to tests) that fires on each of
 * the Pulumi runtime's promises. So a shard makes each distinct run once, in a worker thread of its own where no such
 * hook exists, and every caller gets its own copy. A run that fails is made again in this process, so the caller gets
 * the program's own error object (a ConfigError with its issues), not a structured-clone copy of it.
 */
import { Worker } from "node:worker_threads";
import { type OfflineOptions, type OfflineRun, shareProgramRuns, type SharedRunner } from "../../tools/offline.js";

type Reply = { id: number; run?: OfflineRun; error?: string };

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (reply: Reply) => void>();

function inWorker(opts: OfflineOptions): Promise<OfflineRun> {
  if (!worker) {
    worker = new Worker(new URL("./shared-runs-worker.mjs", import.meta.url));
    worker.on("message", (reply: Reply) => {
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
      if (waiting.size === 0) worker?.unref();
    });
    worker.on("error", (e) => {
      for (const answer of waiting.values()) answer({ id: -1, error: String(e) });
      waiting.clear();
      worker = undefined;
    });
  }
  const id = nextId++;
  worker.ref();
  const replied = new Promise<Reply>((resolve) => waiting.set(id, resolve));
  worker.postMessage({ id, opts });
  return replied.then((reply) => (reply.run ? reply.run : Promise.reject(new Error(reply.error))));
}

const runs = new Map<string, Promise<OfflineRun>>();

/** Installed on import; exported so a test can compare its runs with runs made here. */
export const workerRuns: SharedRunner = async (opts, runHere) => {
  const key = JSON.stringify([opts.project, opts.stack, opts.config, opts.secretKeys, opts.live]);
  let run = runs.get(key);
  if (!run) {
    run = inWorker(opts);
    runs.set(key, run);
    run.catch(() => runs.delete(key));
  }
  try {
    return structuredClone(await run);
  } catch {
    return runHere(opts);
  }
};

shareProgramRuns(workerRuns);
