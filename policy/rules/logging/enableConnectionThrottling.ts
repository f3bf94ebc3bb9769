import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const enableConnectionThrottling = parameterRule({
  name: "postgres-enable-connection-throttling",
  description: "Every PostgreSQL server sets connection_throttle.enable=ON.",
  severity: "medium",
  meta: {
    catalogueId: "L4",
    sources: ["CIS v3 5.2.3", "PR postgresql_flexible_server_connection_throttling_on", "AP dacf07fa", "AP a8f89ff4"],
    enforcement: PROD_ONLY,
    why: "Throttling slows password guessing and connection storms (the parameter is deprecated after PostgreSQL 18; the platform runs 15).",
  },
  parameters: ["connection_throttle.enable"],
  problem: (v) =>
    v["connection_throttle.enable"]?.toUpperCase() === "ON"
      ? undefined
      : `connection_throttle.enable is ${shown(v["connection_throttle.enable"])}, must be ON`,
});
