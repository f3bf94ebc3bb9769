/**
 * Which runs `runOffline` hands to a shared runner (tools/offline.ts shareProgramRuns): runs of the project's own
 * program on plain data go through it; a run with its own program or a registration callback never does, because a
 * closure cannot be shared or moved to another thread. The registrations themselves are tested by every component test.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type OfflineRun,
  runOffline,
  runStackFile,
  shareProgramRuns,
  type SharedRunner,
} from "../../../tools/offline.js";
import { workerRuns } from "../../support/shared-runs.js";

const CANNED: OfflineRun = { project: "authdb", stack: "routed", resources: [], outputs: {}, secretOutputs: [] };

describe("runOffline and a shared runner", () => {
  const routed: string[] = [];
  // Installed for this suite only: the unit tier's shards run many files in one process with their own runner.
  let previous: SharedRunner | undefined;
  before(() => {
    previous = shareProgramRuns(async (opts) => {
      routed.push(opts.stack);
      return CANNED;
    });
  });
  after(() => shareProgramRuns(previous));

  it("hands a run of the project's own program to the runner", async () => {
    assert.equal(await runOffline({ stack: "plain", config: {} }), CANNED);
    assert.deepEqual(routed, ["plain"]);
  });

  it("runs a program of its own or a registration callback here (negative controls)", async () => {
    const own = await runOffline({ stack: "own", config: {}, program: async () => ({ answer: 42 }) });
    assert.deepEqual(own.outputs, { answer: 42 });
    const seen: string[] = [];
    await runOffline({
      stack: "callback",
      config: {},
      program: async () => undefined,
      onRegister: (r) => seen.push(r.type),
    });
    assert.deepEqual(seen, ["pulumi:pulumi:Stack"]);
    assert.deepEqual(routed, ["plain"]);
  });

  it("runs the project's program here once the runner is removed: an empty config fails validation here", async () => {
    shareProgramRuns(undefined);
    await assert.rejects(runOffline({ stack: "here", config: {} }), (e: Error) => e.name === "ConfigError");
    assert.deepEqual(routed, ["plain"]);
  });
});

describe("the unit tier's worker runs (tests/support/shared-runs.ts)", () => {
  it("a run of a stack file made in the worker equals the same run made here", async () => {
    const previous = shareProgramRuns(undefined);
    try {
      const here = await runStackFile("dev");
      shareProgramRuns(workerRuns);
      const inWorker = await runStackFile("dev");
      assert.ok(here.resources.length > 10, "the dev stack registers its resources");
      assert.deepEqual(inWorker, here);
    } finally {
      shareProgramRuns(previous);
    }
  });
});
