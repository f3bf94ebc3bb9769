import { PROD_ONLY, parameterRule, shown } from "../../rule.js";

export const enablePgaudit = parameterRule({
  name: "postgres-enable-pgaudit",
  description: "Every PostgreSQL server preloads pgaudit and logs ROLE, DDL and MISC statements.",
  severity: "high",
  meta: {
    catalogueId: "L6",
    sources: ["AP dd626066", "AP 4eb5e667", "AP eadbb524"],
    enforcement: PROD_ONLY,
    why: "pgaudit is the audit trail of role changes and schema changes the plan requires.",
  },
  parameters: ["shared_preload_libraries", "pgaudit.log"],
  problem: (v) => {
    const libraries = (v.shared_preload_libraries ?? "").split(",").map((l) => l.trim().toLowerCase());
    if (!libraries.includes("pgaudit"))
      return `shared_preload_libraries is ${shown(v.shared_preload_libraries)}, must include pgaudit`;
    const classes = (v["pgaudit.log"] ?? "").split(",").map((c) => c.trim().toUpperCase());
    const missing = ["ROLE", "DDL", "MISC"].filter((c) => !classes.includes(c) && !classes.includes("ALL"));
    return missing.length === 0
      ? undefined
      : `pgaudit.log is ${shown(v["pgaudit.log"])}, must include ${missing.join(", ")}`;
  },
});
