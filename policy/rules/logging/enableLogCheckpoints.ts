import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const enableLogCheckpoints = parameterRule({
  name: "postgres-enable-log-checkpoints",
  description: "Every PostgreSQL server sets log_checkpoints=ON.",
  severity: "medium",
  meta: {
    catalogueId: "L1",
    sources: [
      "CIS v3 5.2.2",
      "AP 70be9e12",
      "AP a8f89ff4",
      "PR postgresql_flexible_server_log_checkpoints_on",
      "CKV_AZURE_30",
      "AZU-0024",
    ],
    enforcement: PROD_ONLY,
    why: "Checkpoint logs explain I/O spikes and recovery time after a failover.",
  },
  parameters: ["log_checkpoints"],
  problem: (v) =>
    v.log_checkpoints?.toUpperCase() === "ON"
      ? undefined
      : `log_checkpoints is ${shown(v.log_checkpoints)}, must be ON`,
});
