/**
 * `npm run bench:plan`: wall time of `plan --stack prod` beside the floor — a Node process that only imports the SDK
 * modules the program uses (found by scanning the program's sources, so the list cannot drift) — and of the change
 * preview of prod against a plan JSON (one program) and against a stack file (two programs, in parallel), in one run,
 * interleaved, reporting medians. A benchmark to read, not a timed test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Bare module specifiers the program imports (packages, not relative files or node: built-ins). */
export function programModules(): string[] {
  const files = [
    ...sources("infra"),
    ...sources("stacks"),
    ...sources("policy").filter((f) => f !== "policy/index.ts"),
    "tools/offline.ts",
    "tools/plan.ts",
    "tools/plan-format.ts",
    "index.ts",
  ];
  const found = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(f, "utf8").matchAll(/^import\s+(?!type\b)[^"']*["']([^"'.][^"']*)["']/gm)) {
      if (!m[1].startsWith("node:")) found.add(m[1]);
    }
  }
  return [...found].sort();
}

const modules = programModules();
const floorFile = join(mkdtempSync(join(tmpdir(), "authdb-bench-")), "floor.mjs");
writeFileSync(
  floorFile,
  modules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n") +
    `\nvoid [${modules.map((_, i) => `m${i}`).join(",")}];\n`,
);

/** Both sides run with the flags `npm run plan` uses, so the comparison is the program's own cost. */
const NODE_FLAGS = ["--max-semi-space-size=32", "--import", "tsx"];

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: join(process.cwd(), "node_modules") },
  });
  // 1 means the plan ran and found a mandatory violation: still a complete plan to time.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor: number[] = [];
const plan: number[] = [];
const previewJson: number[] = [];
const previewStack: number[] = [];
const basePlan = join(mkdtempSync(join(tmpdir(), "authdb-bench-base-")), "plan-prod.json");
time([...NODE_FLAGS, "tools/plan.ts", "--stack", "prod", "--quiet", "--json", basePlan]);
// The floor file lives outside the project, so resolve packages from the project's node_modules via a symlink-free import map:
writeFileSync(
  floorFile,
  readFileSync(floorFile, "utf8").replace(
    /from "([^"]+)"/g,
    (_, m: string) => `from ${JSON.stringify(import.meta.resolve(m))}`,
  ),
);
for (let i = 0; i < runs; i++) {
  floor.push(time([...NODE_FLAGS, floorFile]));
  plan.push(time([...NODE_FLAGS, "tools/plan.ts", "--stack", "prod", "--quiet"]));
  previewJson.push(time([...NODE_FLAGS, "tools/plan.ts", "--stack", "prod", "--quiet", "--base", basePlan]));
  previewStack.push(time([...NODE_FLAGS, "tools/plan.ts", "--stack", "prod", "--quiet", "--base", "Pulumi.prod.yaml"]));
}
const f = median(floor);
const p = median(plan);
console.log(`modules imported by the floor: ${modules.join(", ")}`);
console.log(`runs: ${runs} each, interleaved; medians:`);
console.log(`  import floor           ${(f / 1000).toFixed(2)} s`);
console.log(`  plan --stack prod      ${(p / 1000).toFixed(2)} s`);
console.log(`  ratio                  ${(p / f).toFixed(2)}× (target ≤ 1.5×, and ≤ 3 s)`);
const pj = median(previewJson);
const ps = median(previewStack);
console.log(`  preview vs plan JSON   ${(pj / 1000).toFixed(2)} s = ${(pj / p).toFixed(2)}× one plan (target ≤ 1.3×)`);
console.log(`  preview vs stack file  ${(ps / 1000).toFixed(2)} s = ${(ps / p).toFixed(2)}× one plan (target ≤ 1.6×)`);
