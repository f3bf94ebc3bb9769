/**
 * `npm run plan -- --stack <name> [--config <file>] --base <old> [--json <file>] [--markdown <file>]`: the head
 * program and the base — a stack file, a plan JSON written earlier by `--json`, or a git ref (its stack file and its
 * program, run from a temporary `git worktree`) — both offline, compared by URN. A base that must run is a second
 * process, started before the head runs in this one, so the two programs run in parallel.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CostReport } from "../cost.js";
import type { PlanDocument } from "../plan-format.js";
import { onDemandBackupsOf } from "./backups.js";
import { type PlanResource, diffPlans } from "./diff.js";
import { type CostDelta, type Preview, previewDocument, previewMarkdown, previewText } from "./format.js";
import { executionOrder, previewViolations, restartsOf } from "./rules.js";

export type BaseSource = Preview["base"];

/** Thrown for a base that is not valid config (exit 2, like the head's). */
export class BaseConfigError extends Error {}
/** Thrown for a `--base` that is neither a readable file nor a git ref (exit 2: bad input). */
export class BaseArgumentError extends Error {}

/** What `--base` names: an existing .json file is a plan, another existing file a stack file, else a git ref. */
export function resolveBase(arg: string, cwd = process.cwd()): BaseSource {
  if (existsSync(resolve(cwd, arg))) return { kind: arg.endsWith(".json") ? "plan-json" : "stack-file", ref: arg };
  const r = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${arg}^{commit}`], { cwd, encoding: "utf8" });
  if (r.status === 0) return { kind: "git-ref", ref: arg };
  throw new BaseArgumentError(
    `--base ${arg}: neither a file (stack file or plan JSON) nor a git ref of this repository`,
  );
}

/** Reads a plan document, old or new (older plans lack the fields the preview can do without). */
export function readPlanDocument(path: string): PlanDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BaseArgumentError(`--base ${path}: not a plan JSON (${(e as Error).message})`);
  }
  const d = doc as Partial<PlanDocument>;
  if (!d || typeof d !== "object" || !Array.isArray(d.resources) || typeof d.stack !== "string")
    throw new BaseArgumentError(`--base ${path}: not a plan JSON written by \`npm run plan -- --json\``);
  return d as PlanDocument;
}

const NODE_FLAGS = ["--max-semi-space-size=32", "--import", "tsx"];

/** Runs `tools/plan.ts` in `cwd` for the base, writing its plan JSON; resolves to that document. */
function planInChild(cwd: string, stack: string, config: string, label: string): Promise<PlanDocument> {
  const out = join(mkdtempSync(join(tmpdir(), "authdb-base-")), "plan.json");
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...NODE_FLAGS, "tools/plan.ts", "--stack", stack, "--config", config, "--json", out, "--quiet"],
      {
        cwd,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      // 1 = the base has mandatory policy violations: still a complete plan to compare with.
      if (code === 0 || code === 1) {
        try {
          done(readPlanDocument(out));
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        }
      } else if (code === 2) fail(new BaseConfigError(`base (${label}): ${stderr.trim()}`));
      else fail(new Error(`base (${label}) plan failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/**
 * Starts the base: a plan file is read; a stack file is planned by a second process; a git ref is checked out into a
 * temporary worktree (node_modules linked from this checkout) and planned there with its own program and stack file.
 */
export function startBase(source: BaseSource, stack: string, repo = process.cwd()): Promise<PlanDocument> {
  switch (source.kind) {
    case "plan-json":
      return new Promise((done) => done(readPlanDocument(source.ref)));
    case "stack-file":
      return planInChild(repo, stack, resolve(repo, source.ref), source.ref);
    case "git-ref": {
      const dir = join(mkdtempSync(join(tmpdir(), "authdb-base-ref-")), "tree");
      const add = spawnSync("git", ["worktree", "add", "--detach", dir, source.ref], { cwd: repo, encoding: "utf8" });
      if (add.status !== 0) return Promise.reject(new Error(`git worktree add ${source.ref}: ${add.stderr.trim()}`));
      symlinkSync(resolve(repo, "node_modules"), join(dir, "node_modules"), "dir");
      const cleanup = () => {
        spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: repo });
        rmSync(dir, { recursive: true, force: true });
        spawnSync("git", ["worktree", "prune"], { cwd: repo });
      };
      return planInChild(dir, stack, `Pulumi.${stack}.yaml`, `${source.ref}:Pulumi.${stack}.yaml`).finally(cleanup);
    }
  }
}

export function costDelta(base: CostReport | undefined, head: CostReport | undefined): CostDelta | undefined {
  if (!base || !head) return undefined;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    currency: "USD",
    base: base.total,
    head: head.total,
    delta: round(head.total - base.total),
    unpriced: { base: base.unpriced.length, head: head.unpriced.length },
    ...(base.prices.retrievedAt === null && head.prices.retrievedAt === null && base.total === 0 && head.total === 0
      ? { note: "not estimated — infra/prices.json holds no prices yet (npm run prices:refresh)" }
      : {}),
  };
}

/** What the preview reads of a plan document. */
export interface PreviewInput {
  readonly stack: string;
  readonly resources: readonly PlanResource[];
  readonly cost?: CostReport;
}

/** The whole preview of two plan documents. */
export function buildPreview(base: PreviewInput, head: PreviewInput, source: BaseSource): Preview {
  const b = base.resources;
  const h = head.resources;
  const diff = diffPlans(b, h);
  const cd = costDelta(base.cost, head.cost);
  const restarts = restartsOf(h, diff.changes);
  return {
    stack: head.stack,
    base: source,
    changes: diff.changes,
    steps: executionOrder(b, h, diff.changes),
    restarts,
    backups: onDemandBackupsOf(h, diff.changes, restarts),
    violations: previewViolations(b, h, diff),
    unchanged: diff.unchanged,
    ...(cd ? { costDelta: cd } : {}),
  };
}

export interface PreviewOutputs {
  readonly json?: string;
  readonly markdown?: string;
  readonly quiet?: boolean;
}

/** Writes what was asked for; returns whether the preview found a mandatory violation. */
export function emitPreview(base: PlanDocument, head: PlanDocument, preview: Preview, out: PreviewOutputs): boolean {
  const b = base.resources as readonly PlanResource[];
  const h = head.resources as readonly PlanResource[];
  if (out.json) writeFileSync(out.json, `${JSON.stringify(previewDocument(head, preview), null, 2)}\n`);
  if (out.markdown) writeFileSync(out.markdown, previewMarkdown(preview, b, h));
  if (!out.quiet) process.stdout.write(previewText(preview, b, h));
  return preview.violations.length > 0;
}
