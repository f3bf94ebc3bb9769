import { EVERYWHERE, parameterRule, shown } from "../../rule.js";

export const requireSecureTransport = parameterRule({
  name: "postgres-require-secure-transport",
  description: "Every PostgreSQL server sets require_secure_transport=ON.",
  severity: "critical",
  meta: {
    catalogueId: "E1",
    sources: [
      "CIS v3 5.2.1",
      "AP c29c38cb",
      "AP a8f89ff4",
      "PR postgresql_flexible_server_enforce_ssl_enabled",
      "CKV_AZURE_29",
      "AZU-0020",
    ],
    enforcement: EVERYWHERE,
    why: "Without it a client can send the password and every query in clear text.",
  },
  parameters: ["require_secure_transport"],
  problem: (v) =>
    v.require_secure_transport?.toUpperCase() === "ON"
      ? undefined
      : `require_secure_transport is ${shown(v.require_secure_transport)}, must be ON`,
});
