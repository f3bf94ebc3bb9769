// The worker thread of tests/support/shared-runs.ts. Node 20 does not pass the test process's tsx loader on to worker
// threads, so it is registered here before the TypeScript half is imported.
import { register } from "tsx/esm/api";

register();
await import("./shared-runs-worker.ts");
