import { ADVISORY, T, isReplicaProps, obj, resourceRule, sameName, str } from "../../rule.js";

/** A2: advisory while the plan keeps password logins for the application and monitoring roles. */
export const requireEntraOnlyAuthentication = resourceRule({
  name: "postgres-require-entra-only-authentication",
  description: "PostgreSQL servers should disable password authentication and accept Microsoft Entra tokens only.",
  severity: "medium",
  type: T.server,
  meta: {
    catalogueId: "A2",
    sources: ["AP fa498b91 (preview)"],
    enforcement: ADVISORY,
    why: "Entra-only sign-in removes long-lived passwords; the plan (R-4.1.1) still issues passwords to the application, so this is a recommendation.",
  },
  check: (props, _args, report) => {
    if (isReplicaProps(props)) return;
    if (!sameName(obj(props.authConfig).passwordAuth, "Disabled")) {
      report(
        `server ${str(props.serverName) ?? "?"} allows password authentication: set authConfig.passwordAuth=Disabled once every client signs in with Entra`,
      );
    }
  },
});
