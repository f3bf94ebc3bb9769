import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const enableLogDisconnections = parameterRule({
  name: "postgres-enable-log-disconnections",
  description: "Every PostgreSQL server sets log_disconnections=ON.",
  severity: "medium",
  meta: {
    catalogueId: "L3",
    sources: ["AP 1d14b021", "AP a8f89ff4", "PR postgresql_flexible_server_log_disconnections_on", "CIS v3 5.2.7"],
    enforcement: PROD_ONLY,
    why: "Disconnection logs give session durations, needed to reconstruct what a session did.",
  },
  parameters: ["log_disconnections"],
  problem: (v) =>
    v.log_disconnections?.toUpperCase() === "ON"
      ? undefined
      : `log_disconnections is ${shown(v.log_disconnections)}, must be ON`,
});
