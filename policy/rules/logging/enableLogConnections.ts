import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const enableLogConnections = parameterRule({
  name: "postgres-enable-log-connections",
  description: "Every PostgreSQL server sets log_connections=ON.",
  severity: "medium",
  meta: {
    catalogueId: "L2",
    sources: [
      "AP 086709ac",
      "AP a8f89ff4",
      "PR postgresql_flexible_server_log_connections_on",
      "CIS v2.1 4.3.3",
      "CKV_AZURE_31",
      "AZU-0019",
    ],
    enforcement: PROD_ONLY,
    why: "Connection logs are the record of who signed in from where.",
  },
  parameters: ["log_connections"],
  problem: (v) =>
    v.log_connections?.toUpperCase() === "ON"
      ? undefined
      : `log_connections is ${shown(v.log_connections)}, must be ON`,
});
