import { ADVISORY, T, isReplicaProps, obj, resourceRule, sameName, str } from "../../rule.js";

/** H2: Azure's system-managed window can restart the server at any hour. */
export const configureMaintenanceWindow = resourceRule({
  name: "postgres-configure-maintenance-window",
  description: "Primary PostgreSQL servers should use a custom maintenance window.",
  severity: "low",
  type: T.server,
  meta: {
    catalogueId: "H2",
    sources: ["APRL"],
    enforcement: ADVISORY,
    why: "A custom window puts planned restarts in the quiet hours the plan names (Sunday 02:00 KST).",
  },
  check: (props, _args, report) => {
    if (isReplicaProps(props)) return;
    const mw = obj(props.maintenanceWindow);
    if (!sameName(mw.customWindow, "Enabled")) {
      report(
        `server ${str(props.serverName) ?? "?"} uses the system-managed maintenance window: set maintenanceWindow.customWindow=Enabled with a day and hour`,
      );
    }
  },
});
