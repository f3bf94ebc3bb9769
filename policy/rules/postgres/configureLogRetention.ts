import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const configureLogRetention = parameterRule({
  name: "postgres-configure-log-retention",
  description: "Every PostgreSQL server keeps its log files at least 7 days (logfiles.retention_days ≥ 7).",
  severity: "medium",
  meta: {
    catalogueId: "L5",
    sources: ["CIS v3 5.2.4", "AP f5ed3f7a"],
    enforcement: PROD_ONLY,
    why: "CIS asks for more than 3 days and Azure Policy for at least 7; an incident found on Monday needs Friday's logs.",
  },
  parameters: ["logfiles.retention_days"],
  problem: (v) => {
    const days = Number(v["logfiles.retention_days"]);
    return Number.isInteger(days) && days >= 7
      ? undefined
      : `logfiles.retention_days is ${shown(v["logfiles.retention_days"])}, must be at least 7`;
  },
});
