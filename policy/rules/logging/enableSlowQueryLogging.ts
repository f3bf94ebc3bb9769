import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

/** Beyond 5 s the plan's "slow query" count would miss most of what users feel as slow. */
export const MAX_SLOW_QUERY_MS = 5000;

export const enableSlowQueryLogging = parameterRule({
  name: "postgres-enable-slow-query-logging",
  description:
    "Every PostgreSQL server logs statements slower than at most 5 s (log_min_duration_statement between 0 and 5000 ms).",
  severity: "medium",
  meta: {
    catalogueId: "L8",
    sources: ["R-6.2.1"],
    enforcement: PROD_ONLY,
    why: "The plan tracks slow queries per hour; without log_min_duration_statement there is nothing to count.",
  },
  parameters: ["log_min_duration_statement"],
  problem: (v) => {
    const ms = Number(v.log_min_duration_statement);
    return v.log_min_duration_statement !== undefined && Number.isInteger(ms) && ms >= 0 && ms <= MAX_SLOW_QUERY_MS
      ? undefined
      : `log_min_duration_statement is ${shown(v.log_min_duration_statement)}, must be between 0 and ${MAX_SLOW_QUERY_MS} ms (-1 turns slow-query logging off)`;
  },
});
