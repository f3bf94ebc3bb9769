import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const configureLogRetention = parameterRule({
  name: "postgres-configure-log-retention",
  description:
    "Every PostgreSQL server captures its log files (logfiles.download_enable=on) and keeps them at least 7 days (logfiles.retention_days ≥ 7).",
  severity: "medium",
  meta: {
    catalogueId: "L5",
    sources: ["CIS v3 5.2.4", "AP f5ed3f7a"],
    enforcement: PROD_ONLY,
    why: "CIS asks for more than 3 days and Azure Policy for at least 7; an incident found on Monday needs Friday's logs.",
  },
  parameters: ["logfiles.download_enable", "logfiles.retention_days"],
  problem: (v) => {
    // Learn, how-to-configure-server-logs: "By default, capturing server logs for download … is disabled."
    if (v["logfiles.download_enable"]?.toLowerCase() !== "on") {
      return `logfiles.download_enable is ${shown(v["logfiles.download_enable"])}, must be on (without it retention keeps nothing)`;
    }
    const days = Number(v["logfiles.retention_days"]);
    return Number.isInteger(days) && days >= 7
      ? undefined
      : `logfiles.retention_days is ${shown(v["logfiles.retention_days"])}, must be at least 7`;
  },
});
