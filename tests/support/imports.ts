/**
 * The repository's import graph, read from the source text: which file imports which, and the cycles in it. Pure
 * functions over file contents, so the checks that use them are shown failing on a made-up graph first.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Relative imports of one source file, resolved to repository paths (`./x.js` → `dir/x.ts`). */
export function importsOf(file: string, source: string, exists: (p: string) => boolean = existsSync): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (!spec?.startsWith(".")) continue;
    const base = normalize(join(dirname(file), spec));
    const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, join(base, "index.ts")];
    const hit = candidates.find((c) => c.endsWith(".ts") && exists(c));
    if (hit) out.add(hit);
  }
  return [...out].sort();
}

export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export function importGraph(files: readonly string[]): ImportGraph {
  return new Map(files.map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** The top folder of a repository path (`infra/database/servers.ts` → `infra`; `index.ts` → `index.ts`). */
export const topFolder = (path: string) => path.split("/")[0];

/** Edges between top folders that the layering does not allow, as `from → to (file → file)`. */
export function upwardImports(graph: ImportGraph, allowed: Readonly<Record<string, readonly string[]>>): string[] {
  const bad: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const a = topFolder(from);
      const b = topFolder(to);
      if (a !== b && !(allowed[a] ?? []).includes(b)) bad.push(`${a} → ${b} (${from} → ${to})`);
    }
  }
  return bad.sort();
}
