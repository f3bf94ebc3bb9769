import { EVERYWHERE, parameterRule, shown } from "../../rule.js";

export const requireMinimumTlsVersion = parameterRule({
  name: "postgres-require-minimum-tls-version",
  description: "Every PostgreSQL server sets ssl_min_protocol_version to TLSv1.2 or TLSv1.3.",
  severity: "critical",
  meta: {
    catalogueId: "E2",
    sources: ["AP a43d5475", "CKV_AZURE_147", "AZU-0026", "R-4.1.2"],
    enforcement: EVERYWHERE,
    why: "TLS 1.0 and 1.1 have known weaknesses; the plan demands TLS 1.2 or later.",
  },
  parameters: ["ssl_min_protocol_version"],
  problem: (v) =>
    ["TLSv1.2", "TLSv1.3"].includes(v.ssl_min_protocol_version ?? "")
      ? undefined
      : `ssl_min_protocol_version is ${shown(v.ssl_min_protocol_version)}, must be TLSv1.2 or TLSv1.3`,
});
