/**
 * The change preview as a reader gets it: a tree with `+ ~ ± -` marks and counts (stdout), Markdown for a pull-request
 * comment (collapsed details per component), and the JSON contract (docs/change-preview.md). Values come from the
 * redacted plan inputs, so a secret is never more than "changed". Pure and deterministic: the same two plans give
 * byte-identical output.
 */
import type { PlanDocument } from "../plan-format.js";
import { type OnDemandBackup, commandLine } from "./backups.js";
import type { Change, Op, PathChange, PlanResource } from "./diff.js";
import type { PreviewViolation, Restart } from "./rules.js";

export interface CostDelta {
  readonly currency: "USD";
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** Resources either estimate could not price (their cost is in neither total). */
  readonly unpriced: { readonly base: number; readonly head: number };
  /** Set when the price table has no price at all (infra/prices.json never refreshed): the totals mean nothing. */
  readonly note?: string;
}

export interface Preview {
  readonly stack: string;
  /** What the head was compared with: a stack file, a plan file or a git ref. */
  readonly base: { readonly kind: "stack-file" | "plan-json" | "git-ref"; readonly ref: string };
  readonly changes: readonly Change[];
  readonly steps: readonly string[];
  readonly restarts: readonly Restart[];
  /** On-demand backups the deploy takes before this change (restart, scale, major version; D77). */
  readonly backups: readonly OnDemandBackup[];
  readonly violations: readonly PreviewViolation[];
  readonly unchanged: number;
  /** Monthly cost of head minus base (tools/cost.ts), when both plans carry an estimate. */
  readonly costDelta?: CostDelta;
}

export const MARK: Readonly<Record<Op, string>> = { create: "+", update: "~", replace: "±", delete: "-", none: "=" };

const OPS: readonly Op[] = ["create", "update", "replace", "delete"];

export function counts(changes: readonly Change[]): Record<Op, number> {
  const out: Record<Op, number> = { create: 0, update: 0, replace: 0, delete: 0, none: 0 };
  for (const c of changes) out[c.op]++;
  return out;
}

const show = (v: unknown) =>
  v === undefined ? "(unset)" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);

/** One changed path in words: never a secret's value. */
export function describePath(d: PathChange): string {
  if (d.via)
    return `${d.path}: computed from replaced ${d.via.split("::").pop()}${d.secret ? " (secret, changed)" : ""}`;
  if (d.secret) return `${d.path}: changed (secret)`;
  return `${d.path}: ${show(d.before)} → ${show(d.after)}`;
}

function summary(c: Change): string {
  const forced = new Set((c.forcedBy ?? []).map((f) => f.path));
  switch (c.op) {
    case "create":
      return "create";
    case "delete":
      return c.retainOnDelete ? "delete from the stack (retainOnDelete: Azure keeps it)" : "delete";
    case "none":
      return `no change applied; ignored: ${(c.ignored ?? []).join(", ")}`;
    default: {
      const parts = c.details
        .filter((d) => !(c.ignored ?? []).includes(d.path))
        .map((d) => `${describePath(d)}${forced.has(d.path) ? " [create-only]" : ""}`);
      const ignored = c.ignored?.length ? `; ignored: ${c.ignored.join(", ")}` : "";
      return `${c.op}: ${parts.join("; ")}${ignored}`;
    }
  }
}

interface Node {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly parent: string | null;
}

/** Components and resources on either side, so a deleted resource still sits under its component. */
function nodes(base: readonly PlanResource[], head: readonly PlanResource[]): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const r of [...base, ...head]) out.set(r.urn, { urn: r.urn, name: r.name, type: r.type, parent: r.parent });
  return out;
}

export function previewText(p: Preview, base: readonly PlanResource[], head: readonly PlanResource[]): string {
  const lines = [
    `authdb change preview — stack ${p.stack} against ${p.base.kind} ${p.base.ref} (offline, under Pulumi mocks)`,
    "",
  ];
  const all = nodes(base, head);
  const byUrn = new Map(p.changes.map((c) => [c.urn, c]));
  const shown = new Set<string>();
  for (const c of p.changes) {
    for (let u: string | null = c.urn; u; u = all.get(u)?.parent ?? null) shown.add(u);
  }
  const children = new Map<string | null, Node[]>();
  for (const n of [...all.values()].sort((a, b) => (a.urn < b.urn ? -1 : 1))) {
    if (!shown.has(n.urn)) continue;
    children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  }
  const walk = (parent: string | null, depth: number) => {
    for (const n of children.get(parent) ?? []) {
      const c = byUrn.get(n.urn);
      const pad = "  ".repeat(depth);
      if (c)
        lines.push(`${pad}${MARK[c.op]} ${n.name}  [${n.type}]${c.protected ? "  {protected}" : ""}  ${summary(c)}`);
      else lines.push(`${pad}${n.name}  [${n.type}]`);
      walk(n.urn, depth + 1);
    }
  };
  walk(null, 0);
  if (p.changes.length === 0) lines.push("No changes.");
  const n = counts(p.changes);
  lines.push(
    "",
    `Changes: ${OPS.map((op) => `${MARK[op]} ${n[op]} to ${op}`).join(", ")}; ${n.none} with ignored differences only; ${p.unchanged} unchanged`,
  );
  lines.push("", `Restarts: ${p.restarts.length === 0 ? "none" : ""}`);
  for (const [server, list] of restartsByServer(p.restarts))
    lines.push(
      `  ${server}: ${list.length} time${list.length === 1 ? "" : "s"} (${list.map((r) => r.reason).join("; ")})`,
    );
  lines.push("", `On-demand backups before this change: ${p.backups.length === 0 ? "none" : ""}`);
  for (const b of p.backups) lines.push(`  ${b.server} (${b.reasons.join("; ")}):`, `    ${commandLine(b)}`);
  lines.push("", "Steps, in the order Pulumi would run them:");
  p.steps.forEach((urn, i) => {
    const c = byUrn.get(urn)!;
    lines.push(`  ${String(i + 1).padStart(3)}. ${MARK[c.op]} ${c.name}  [${c.type}]`);
  });
  if (p.steps.length === 0) lines.push("  (none)");
  if (p.costDelta) lines.push("", costLine(p.costDelta));
  lines.push("", `Change checks: ${p.violations.length} mandatory violation(s)`);
  for (const v of p.violations) lines.push(`  [${v.enforcement}] ${v.policy}: ${v.message}`);
  return `${lines.join("\n")}\n`;
}

function restartsByServer(restarts: readonly Restart[]): [string, Restart[]][] {
  const m = new Map<string, Restart[]>();
  for (const r of restarts) m.set(r.server, [...(m.get(r.server) ?? []), r]);
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

const money = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;

function costLine(c: CostDelta): string {
  if (c.note) return `Estimated monthly cost: ${c.note}`;
  const sign = c.delta > 0 ? "+" : c.delta < 0 ? "-" : "±";
  const unpriced =
    c.unpriced.base || c.unpriced.head
      ? ` (unpriced resources: ${c.unpriced.base} in base, ${c.unpriced.head} in head)`
      : "";
  return `Estimated monthly cost: ${money(c.base)} → ${money(c.head)} (${sign}$${Math.abs(c.delta).toFixed(2)})${unpriced}`;
}

const md = (s: string) => s.replace(/[|]/g, "\\|").replace(/[<>]/g, (ch) => (ch === "<" ? "&lt;" : "&gt;"));

/** The component a resource is listed under in the Markdown: its top-level component (or "stack" for roots). */
function componentOf(urn: string, all: Map<string, Node>): Node | undefined {
  let n = all.get(urn);
  let top: Node | undefined;
  while (n?.parent) {
    const p = all.get(n.parent);
    if (!p || p.type === "pulumi:pulumi:Stack") break;
    top = p;
    n = p;
  }
  return top;
}

export function previewMarkdown(p: Preview, base: readonly PlanResource[], head: readonly PlanResource[]): string {
  const n = counts(p.changes);
  const out: string[] = [
    `#### Change preview: stack \`${p.stack}\` against ${p.base.kind} \`${md(p.base.ref)}\``,
    "",
    `**${OPS.map((op) => `${MARK[op]} ${n[op]} to ${op}`).join(" · ")}** — ${n.none} with ignored differences only, ${p.unchanged} unchanged. Offline, under Pulumi mocks: drift and Azure-side defaults are not visible (docs/change-preview.md).`,
    "",
  ];
  if (p.violations.length > 0) {
    out.push(`**:x: ${p.violations.length} mandatory violation(s) — this change must not be deployed as it is:**`, "");
    for (const v of p.violations) out.push(`- \`${v.policy}\`: ${md(v.message)}`);
    out.push("");
  } else out.push(":white_check_mark: No change check failed.", "");
  if (p.restarts.length > 0) {
    out.push("**Restarts:**", "");
    for (const [server, list] of restartsByServer(p.restarts))
      out.push(`- \`${server}\`: ${list.length}× (${md(list.map((r) => r.reason).join("; "))})`);
    out.push("");
  }
  if (p.backups.length > 0) {
    out.push("**On-demand backups the deploy takes first** (kept for the server's backup retention):", "");
    for (const b of p.backups) out.push(`- \`${b.server}\` (${md(b.reasons.join("; "))}): \`${commandLine(b)}\``);
    out.push("");
  }
  if (p.costDelta) out.push(`**${md(costLine(p.costDelta))}**`, "");
  const all = nodes(base, head);
  const groups = new Map<string, Change[]>();
  for (const c of p.changes) {
    const comp = componentOf(c.urn, all);
    const key = comp ? `${comp.name} (${comp.type})` : "stack";
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [group, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const k = counts(list);
    const badge = (["create", "update", "replace", "delete", "none"] as const)
      .filter((op) => k[op] > 0)
      .map((op) => `${MARK[op]}${k[op]}`)
      .join(" ");
    out.push(
      `<details><summary>${md(group)}: ${badge}</summary>`,
      "",
      "| | resource | type | change |",
      "|---|---|---|---|",
    );
    for (const c of list)
      out.push(
        `| ${MARK[c.op]} | \`${md(c.name)}\`${c.protected ? " :lock:" : ""} | \`${c.type}\` | ${md(summary(c))} |`,
      );
    out.push("", "</details>", "");
  }
  if (p.steps.length > 0) {
    const byUrn = new Map(p.changes.map((c) => [c.urn, c]));
    out.push("<details><summary>Steps in the order Pulumi would run them</summary>", "");
    p.steps.forEach((urn, i) => {
      const c = byUrn.get(urn)!;
      out.push(`${i + 1}. ${MARK[c.op]} \`${md(c.name)}\``);
    });
    out.push("", "</details>", "");
  }
  return `${out.join("\n")}`;
}

/** The plan document with the preview added (`changes`, `steps`, `restarts`, `base`, `costDelta`; violations merged). */
export function previewDocument(plan: PlanDocument, p: Preview) {
  return {
    ...plan,
    violations: [...plan.violations, ...p.violations],
    base: p.base,
    changes: p.changes.map((c) => ({
      urn: c.urn,
      type: c.type,
      op: c.op,
      paths: c.paths,
      ...(c.forcedBy ? { forcedBy: c.forcedBy } : {}),
      ...(c.ignored ? { ignored: c.ignored } : {}),
      protected: c.protected,
      ...(c.retainOnDelete ? { retainOnDelete: true } : {}),
      details: c.details.map((d) => ({ ...d, text: describePath(d) })),
    })),
    steps: p.steps,
    restarts: p.restarts,
    backups: p.backups,
    ...(p.costDelta ? { costDelta: p.costDelta } : {}),
  };
}
