import { ADVISORY, T, sameName, serversOf, stackRule } from "../../rule.js";

/**
 * H6: with read replicas there is something to switch over to, and without virtual endpoints a switchover changes the
 * host name every client uses. Learn (concepts-read-replicas-promote): "For a successful promotion, it's necessary to
 * have a virtual endpoint configured for both the current primary as the writer endpoint, and the replica intended for
 * promotion as the reader endpoint." Advisory: a stack may choose one-way promotions (D70, D71).
 */
export const requireVirtualEndpoints = stackRule({
  name: "postgres-require-virtual-endpoints",
  description:
    "A primary PostgreSQL server with read replicas has a ReadWrite virtual endpoint pair whose reader names one of its replicas.",
  severity: "medium",
  meta: {
    catalogueId: "H6",
    sources: ["R-DR-2", "Learn concepts-read-replicas-virtual-endpoints", "Learn concepts-read-replicas-promote"],
    enforcement: ADVISORY,
    why: "Applications keep one writer and one reader host name through a switchover only if the endpoints exist before it.",
  },
  check: (resources, _args, report) => {
    const servers = serversOf(resources);
    const replicas = servers.filter((s) => s.isReplica);
    if (replicas.length === 0) return;
    const endpoints = resources.filter(
      (r) => r.type === T.virtualEndpoint && sameName(r.props.endpointType, "ReadWrite"),
    );
    for (const primary of servers.filter((s) => !s.isReplica)) {
      const own = endpoints.filter((e) => sameName(e.props.serverName, primary.serverName));
      const withReplica = own.filter(
        (e) =>
          Array.isArray(e.props.members) &&
          e.props.members.some((m) => replicas.some((r) => sameName(m, r.serverName))),
      );
      if (own.length === 0)
        report(
          `server ${primary.serverName} has ${replicas.length} read replica(s) but no virtual endpoints: a switchover would change the host names clients use — set platform.virtualEndpoints`,
          primary.resource.urn,
        );
      else if (withReplica.length === 0)
        report(
          `the virtual endpoints of ${primary.serverName} name no replica as the reader's member: a promotion to primary needs its target in the reader endpoint`,
          own[0].urn,
        );
    }
  },
});
