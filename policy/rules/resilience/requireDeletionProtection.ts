import { PROD_ONLY, T, sameName, serversOf, stackRule, targetsServer } from "../../rule.js";

/** Resource types whose deletion loses data. */
export const STATEFUL_TYPES: readonly string[] = [T.server, T.vault, "azure-native:resources:ResourceGroup"];

/** H3: `protect` stops Pulumi from deleting; the CanNotDelete lock also stops the portal, the CLI and other tools. */
export const requireDeletionProtection = stackRule({
  name: "postgres-require-deletion-protection",
  description:
    "Stateful resources are protected, and every primary PostgreSQL server carries a CanNotDelete management lock.",
  severity: "critical",
  meta: {
    catalogueId: "H3",
    sources: ["project rule (data loss)"],
    enforcement: PROD_ONLY,
    why: "A replace or an accidental delete of the server or vault is unrecoverable beyond the backups; protect and the lock make it a two-step decision.",
  },
  check: (resources, _args, report) => {
    for (const r of resources.filter((x) => STATEFUL_TYPES.includes(x.type))) {
      if (!r.opts.protect) report(`${r.type.split(":").pop()} ${r.name} is not protected: set protect: true`, r.urn);
    }
    // A lock by scope: the scope is the server's ARM id (or, while ids are unknown in a preview, a dependency on it).
    const locks = resources.filter((r) => r.type === T.lock && sameName(r.props.level, "CanNotDelete"));
    for (const server of serversOf(resources).filter((s) => !s.isReplica)) {
      const locked = locks.some((l) => targetsServer(l, server, [], ["scope"]));
      if (!locked)
        report(
          `server ${server.serverName} has no CanNotDelete management lock (ManagementLockByScope with the server's id as scope)`,
          server.resource.urn,
        );
    }
  },
});
