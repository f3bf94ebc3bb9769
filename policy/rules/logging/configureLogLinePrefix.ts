import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

/** The prefix Azure Policy 3bf854e8 looks for. */
export const LOG_LINE_PREFIX = "%t-%c-user=%u,db=%d,app=%a,client=%h";

export const configureLogLinePrefix = parameterRule({
  name: "postgres-configure-log-line-prefix",
  description: "Every PostgreSQL server sets log_line_prefix to %t-%c-user=%u,db=%d,app=%a,client=%h.",
  severity: "low",
  meta: {
    catalogueId: "L7",
    sources: ["AP 3bf854e8"],
    enforcement: PROD_ONLY,
    why: "The prefix puts time, session, user, database, application and client on every log line, which the audit queries rely on.",
  },
  parameters: ["log_line_prefix"],
  problem: (v) =>
    v.log_line_prefix === LOG_LINE_PREFIX
      ? undefined
      : `log_line_prefix is ${shown(v.log_line_prefix)}, must be ${JSON.stringify(LOG_LINE_PREFIX)}`,
});
