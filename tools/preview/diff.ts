/**
 * The change between two offline plans, by URN, the way the Pulumi engine and the providers would judge it: per
 * resource `create`, `update` (the input paths that change), `replace` (the create-only path that forces it),
 * `delete`, or nothing — `ignoreChanges` honoured but listed, `protect`/`retainOnDelete` carried along. Pure.
 *
 * What a replacement does to its dependents: the engine cannot know a replaced resource's new outputs during a
 * preview, so every input of a dependent that was computed from it (its property dependencies) is a change too —
 * that is how a rotated password reaches the vault secret and the server's admin password although both sides show
 * only "[secret]".
 */
import { SECRET_PLACEHOLDER } from "../offline.js";
import { MUTABILITY, type MutabilityRow, classify, leafPaths } from "./mutability.js";

/** What the preview needs of one resource on either side (a plan document row or a captured registration). */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly inputs: Record<string, unknown>;
  readonly custom?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
  readonly replaceOnChanges?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** URNs the resource was known by before (its `aliases`): the engine matches the old state by them, no replacement. */
  readonly aliasUrns?: readonly string[];
}

/** `none`: only ignored paths differ — listed so a reviewer sees the drift the program tolerates, but not applied. */
export type Op = "create" | "update" | "replace" | "delete" | "none";

export interface PathChange {
  readonly path: string;
  /** Values as both plans show them; a secret is never more than "[secret]" (and then `secret` is set). */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly secret?: boolean;
  /** The replaced resource this input is computed from, when the change comes from there. */
  readonly via?: string;
}

export interface Change {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: Op;
  /** Input paths that change (without the ignored ones). */
  readonly paths: readonly string[];
  readonly details: readonly PathChange[];
  /** For `replace`: the create-only paths that force it, each with the table row's source. */
  readonly forcedBy?: readonly { readonly path: string; readonly source: string }[];
  /** Paths that differ but are in `ignoreChanges`: listed, not applied. */
  readonly ignored?: readonly string[];
  readonly protected: boolean;
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
}

/** An input path the table cannot classify: the preview refuses to guess update vs replace. */
export interface Unclassified {
  readonly urn: string;
  readonly type: string;
  readonly path: string;
}

export interface Diff {
  readonly changes: readonly Change[];
  readonly unclassified: readonly Unclassified[];
  /** Resources that are the same on both sides. */
  readonly unchanged: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Leaf paths where two input values differ (array positions as `[n]`). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): PathChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: PathChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = `${prefix}[${i}]`;
      if (i >= before.length) out.push(...leafChanges(undefined, after[i], p));
      else if (i >= after.length) out.push(...leafChanges(before[i], undefined, p));
      else out.push(...changedPaths(before[i], after[i], p));
    }
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return leafChanges(before, after, prefix);
}

/** An added or removed subtree, as its leaves (so the table sees `securityRules[5].priority`, not `securityRules[5]`). */
function leafChanges(before: unknown, after: unknown, prefix: string): PathChange[] {
  const side = after === undefined ? before : after;
  if ((isObject(side) || Array.isArray(side)) && (before === undefined || after === undefined)) {
    const leaves = leafPaths(side, "");
    if (leaves.length > 0) {
      return leaves.map((leaf) => {
        const path = `${prefix}${leaf.startsWith("[") ? "" : "."}${leaf}`;
        return change(
          path,
          before === undefined ? undefined : "(removed)",
          after === undefined ? undefined : "(added)",
        );
      });
    }
  }
  return [change(prefix, before, after)];
}

function change(path: string, before: unknown, after: unknown): PathChange {
  const secret = before === SECRET_PLACEHOLDER || after === SECRET_PLACEHOLDER;
  return secret
    ? { path, secret: true }
    : { path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

const covers = (prefix: string, path: string) =>
  path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/** Leaf paths under a top-level input (all of them: the engine sees the whole property as unknown). */
function pathsUnder(inputs: Record<string, unknown>, key: string): string[] {
  const leaves = leafPaths(inputs[key], key);
  return leaves.length > 0 ? leaves : [key];
}

/**
 * The diff of two plans. Resources are processed in dependency order, so a replacement is known before its
 * dependents are judged.
 */
export function diffPlans(
  base: readonly PlanResource[],
  head: readonly PlanResource[],
  table: readonly MutabilityRow[] = MUTABILITY,
): Diff {
  const baseBy = new Map(base.map((r) => [r.urn, r]));
  const headBy = new Map(head.map((r) => [r.urn, r]));
  const replaced = new Set<string>();
  const changes: Change[] = [];
  const unclassified: Unclassified[] = [];
  let unchanged = 0;

  // A renamed resource whose alias names its old URN is the same resource to the engine: compared, not deleted+created.
  const aliasOf = new Map<string, string>();
  for (const h of head)
    if (!baseBy.has(h.urn)) {
      const old = (h.aliasUrns ?? []).find((u) => baseBy.has(u));
      if (old) aliasOf.set(old, h.urn);
    }
  for (const h of dependencyOrder(head)) {
    const alias = [...aliasOf].find(([, to]) => to === h.urn)?.[0];
    const b = baseBy.get(h.urn) ?? (alias ? baseBy.get(alias) : undefined);
    const custom = h.custom !== false;
    if (!b) {
      if (custom) changes.push(baseChange(h, "create", []));
      continue;
    }
    let details = changedPaths(b.inputs, h.inputs);
    // Inputs computed from a replaced resource are unknown until it exists: a change (Pulumi shows them as computed).
    // Shown once per top-level input; judged on every leaf under it (the table may classify them differently).
    for (const [key, urns] of Object.entries(h.propertyDependencies ?? {})) {
      const via = urns.find((u) => replaced.has(u));
      if (!via || details.some((d) => d.path === key)) continue;
      details.push({
        path: key,
        via,
        ...(JSON.stringify(h.inputs[key] ?? null).includes(SECRET_PLACEHOLDER) ? { secret: true } : {}),
      });
    }
    details = details.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    if (details.length === 0 || !custom) {
      unchanged++;
      continue;
    }
    const ignored = details.filter((d) => h.ignoreChanges.some((p) => covers(p, d.path)));
    const applied = details.filter((d) => !ignored.includes(d));
    const forcedBy: { path: string; source: string }[] = [];
    for (const d of applied) {
      for (const path of d.via ? pathsUnder(h.inputs, d.path) : [d.path]) {
        if (h.ignoreChanges.some((p) => covers(p, path))) continue;
        if ((h.replaceOnChanges ?? []).some((p) => covers(p, path))) {
          forcedBy.push({ path, source: "replaceOnChanges resource option" });
          continue;
        }
        const row = classify(h.type, path, table);
        if (!row) unclassified.push({ urn: h.urn, type: h.type, path });
        else if (row.mutability === "create-only") {
          // A computed input is reported at the row that forces the replacement, not at each of its leaves.
          const at = d.via && row.path !== "*" ? row.path : path;
          if (!forcedBy.some((f) => f.path === at)) forcedBy.push({ path: at, source: row.source.ref });
        }
      }
    }
    if (applied.length === 0) {
      changes.push({ ...baseChange(h, "none", []), ignored: ignored.map((d) => d.path), details: ignored });
      continue;
    }
    const op: Op = forcedBy.length > 0 ? "replace" : "update";
    if (op === "replace") replaced.add(h.urn);
    changes.push({
      ...baseChange(h, op, applied),
      ...(op === "replace" ? { forcedBy } : {}),
      ...(ignored.length > 0 ? { ignored: ignored.map((d) => d.path) } : {}),
      details,
    });
  }
  for (const b of base) {
    if (!headBy.has(b.urn) && !aliasOf.has(b.urn) && b.custom !== false) changes.push(baseChange(b, "delete", []));
  }
  return { changes, unclassified, unchanged };
}

function baseChange(r: PlanResource, op: Op, details: readonly PathChange[]): Change {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    op,
    paths: details.map((d) => d.path),
    details,
    protected: r.protect,
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
  };
}

/** The edges the engine waits on: explicit and property dependencies, and the parent. */
export function dependenciesOf(r: PlanResource): string[] {
  return [
    ...new Set([
      ...r.dependsOn,
      ...Object.values(r.propertyDependencies ?? {}).flat(),
      ...(r.parent ? [r.parent] : []),
    ]),
  ];
}

/**
 * A topological order of the resources (dependencies first); among resources that are ready at the same time the
 * order of the plan (by URN) decides, so the result is deterministic.
 */
export function dependencyOrder<T extends PlanResource>(resources: readonly T[]): T[] {
  const by = new Map(resources.map((r) => [r.urn, r]));
  const pending = new Map(resources.map((r) => [r.urn, dependenciesOf(r).filter((d) => by.has(d) && d !== r.urn)]));
  const dependents = new Map<string, string[]>();
  for (const [urn, deps] of pending) for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), urn]);
  const ready = [...pending].filter(([, d]) => d.length === 0).map(([u]) => u);
  const remaining = new Map([...pending].map(([u, d]) => [u, d.length]));
  const out: T[] = [];
  ready.sort();
  while (ready.length > 0) {
    const urn = ready.shift()!;
    out.push(by.get(urn)!);
    const next: string[] = [];
    for (const dep of dependents.get(urn) ?? []) {
      const left = remaining.get(dep)! - 1;
      remaining.set(dep, left);
      if (left === 0) next.push(dep);
    }
    ready.push(...next);
    ready.sort();
  }
  // A cycle cannot come from a Pulumi program; if a hand-made plan has one, keep its resources rather than drop them.
  for (const r of resources) if (!out.includes(r)) out.push(r);
  return out;
}

/** Whether `urn` waits (directly or through others) on `on` in the graph of `resources`. */
export function waitsOn(resources: readonly PlanResource[], urn: string, on: string): boolean {
  const by = new Map(resources.map((r) => [r.urn, r]));
  const stack = [urn];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const d of dependenciesOf(by.get(u) ?? ({ dependsOn: [], parent: null } as unknown as PlanResource))) {
      if (d === on) return true;
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return false;
}
