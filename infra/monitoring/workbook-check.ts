/**
 * Checks a workbook document against what exists: the schema's version and item kinds, metric ids naming a Flexible
 * Server metric, log queries naming a known table, ARM paths under a server, and every server having its group. Pure;
 * returns the problems (an empty list is a pass), so a test can show each problem being caught.
 */
import { FLEXIBLE_SERVER_METRICS, LOG_TABLES, RESOURCE_GRAPH_TABLES } from "./flexible-server-metrics.js";

const ITEM_VERSIONS: Readonly<Record<number, string | undefined>> = {
  1: undefined,
  3: "KqlItem/1.0",
  10: "MetricsItem/2.0",
  12: "NotebookGroup/1.0",
};

/** Names a KQL text reads from: the first identifier of each statement (after `let x =`). */
export function queryTables(query: string): string[] {
  const lets = new Set<string>();
  const out: string[] = [];
  for (const raw of query.split(";")) {
    const stmt = raw.trim();
    if (!stmt) continue;
    const letMatch = /^let\s+([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)/.exec(stmt);
    if (letMatch) {
      lets.add(letMatch[1]);
      out.push(letMatch[2]);
      continue;
    }
    const first = /^([A-Za-z_]\w*)/.exec(stmt)?.[1];
    if (first && !lets.has(first)) out.push(first);
  }
  return out;
}

/** Metric names a query compares MetricName with. */
export function queryMetricNames(query: string): string[] {
  return [...query.matchAll(/MetricName\s*==\s*'([^']+)'/g)].map((m) => m[1]);
}

export interface CheckContext {
  readonly serverIds: readonly string[];
}

type Item = { type?: unknown; name?: unknown; content?: Record<string, unknown> };
const str = (v: unknown) => (typeof v === "string" ? v : "");

export function checkWorkbook(doc: unknown, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const d = doc as { version?: unknown; items?: unknown };
  if (d?.version !== "Notebook/1.0") problems.push(`version is ${JSON.stringify(d?.version)}, not "Notebook/1.0"`);
  if (!Array.isArray(d?.items) || d.items.length === 0) return [...problems, "items is not a non-empty array"];
  const metricNames = new Set(FLEXIBLE_SERVER_METRICS.map((m) => m.name));
  const names = new Set<string>();
  const seenIds = new Map<string, number>();
  const walk = (items: Item[], group: string | undefined) => {
    for (const item of items) {
      const where = `item ${String(item.name)}`;
      if (typeof item.name !== "string" || item.name === "")
        problems.push(`an item of type ${String(item.type)} has no name`);
      else if (names.has(item.name)) problems.push(`${where}: name used twice`);
      else names.add(item.name);
      const type = Number(item.type);
      if (!(type in ITEM_VERSIONS)) {
        problems.push(`${where}: type ${String(item.type)} is not markdown (1), query (3), metrics (10) or group (12)`);
        continue;
      }
      const c = item.content ?? {};
      if (ITEM_VERSIONS[type] && c.version !== ITEM_VERSIONS[type])
        problems.push(`${where}: version ${String(c.version)}, expected ${ITEM_VERSIONS[type]}`);
      const text = JSON.stringify(c);
      for (const id of ctx.serverIds) if (text.includes(id) && group) seenIds.set(id, (seenIds.get(id) ?? 0) + 1);
      if (type === 1 && typeof c.json !== "string") problems.push(`${where}: markdown without content.json`);
      if (type === 3) {
        const query = str(c.query);
        if (c.queryType === 0) {
          for (const t of queryTables(query))
            if (!(t in LOG_TABLES)) problems.push(`${where}: table ${t} is not a known Log Analytics table`);
          for (const m of queryMetricNames(query))
            if (!metricNames.has(m)) problems.push(`${where}: metric ${m} is not a Flexible Server metric`);
        } else if (c.queryType === 1) {
          for (const t of queryTables(query))
            if (!(RESOURCE_GRAPH_TABLES as readonly string[]).includes(t))
              problems.push(`${where}: table ${t} is not a known Resource Graph table`);
        } else if (c.queryType === 12) {
          const path = str((JSON.parse(query || "{}") as { path?: unknown }).path);
          if (!ctx.serverIds.some((id) => path.startsWith(`${id}/`)))
            problems.push(`${where}: ARM path ${path} is not under a server of the stack`);
        } else problems.push(`${where}: queryType ${String(c.queryType)} is not 0, 1 or 12`);
      }
      if (type === 10) {
        const metrics = Array.isArray(c.metrics) ? (c.metrics as { metric?: unknown }[]) : [];
        if (metrics.length === 0) problems.push(`${where}: metrics item without metrics`);
        for (const m of metrics) {
          const name = str(m.metric).split("-").pop() ?? "";
          if (!metricNames.has(name))
            problems.push(`${where}: metric ${str(m.metric)} is not a Flexible Server metric`);
        }
      }
      if (type === 12) walk((c.items as Item[] | undefined) ?? [], String(item.name));
    }
  };
  walk(d.items as Item[], undefined);
  for (const id of ctx.serverIds) if (!seenIds.has(id)) problems.push(`server ${id} appears in no group`);
  return problems;
}
