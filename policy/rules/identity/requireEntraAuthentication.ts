import { EVERYWHERE, T, obj, sameName, serversOf, stackRule, targetsServer } from "../../rule.js";

/** A1: Entra sign-in with a named administrator group, so people never share the administrator password. */
export const requireEntraAuthentication = stackRule({
  name: "postgres-require-entra-authentication",
  description: "Every primary PostgreSQL server enables Microsoft Entra authentication and has an Entra administrator.",
  severity: "high",
  meta: {
    catalogueId: "A1",
    sources: ["AP ce39a96d", "PR postgresql_flexible_server_entra_id_authentication_enabled"],
    enforcement: EVERYWHERE,
    why: "Entra sign-in ties database access to people and groups the organisation can revoke centrally.",
  },
  check: (resources, _args, report) => {
    const admins = resources.filter((r) => r.type === T.entraAdmin);
    for (const server of serversOf(resources).filter((s) => !s.isReplica)) {
      if (!sameName(obj(server.resource.props.authConfig).activeDirectoryAuth, "Enabled")) {
        report(`server ${server.serverName} does not set authConfig.activeDirectoryAuth=Enabled`, server.resource.urn);
      }
      if (!admins.some((a) => targetsServer(a, server, ["serverName"]))) {
        report(
          `server ${server.serverName} has no AdministratorsMicrosoftEntra (Entra administrator)`,
          server.resource.urn,
        );
      }
    }
  },
});
