/** The local Docker twin composition (stack local): same database, parameters, roles and output contract as Azure. */
import * as pulumi from "@pulumi/pulumi";
import { readBootstrapSql } from "../infra/bootstrap.js";
import type { LocalPlatform } from "../infra/config/platform.js";
import type { PlatformSecrets } from "../infra/config/load.js";
import { LocalTwin } from "../infra/local-twin/twin.js";
import { type ContractOutputs, jdbcUrl } from "../infra/outputs.js";
import { Passwords } from "../infra/secrets/passwords.js";
import { childOptions } from "./azure.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN } from "../infra/types.js";

export function localStack(
  platform: LocalPlatform,
  _secrets: PlatformSecrets,
  parent?: pulumi.Resource,
): ContractOutputs {
  const child = childOptions(parent);
  const passwords = new Passwords("passwords", { policy: platform.passwords }, child);
  const twin = new LocalTwin(
    "twin",
    {
      platform,
      passwords: passwords.values,
      verifiers: passwords.verifiers,
      logins: { application: APPLICATION_LOGIN, monitoring: MONITORING_LOGIN },
      bootstrapSql: readBootstrapSql(),
    },
    child,
  );
  return {
    platformKind: "local",
    environment: platform.environment,
    resourceGroupName: "",
    primaryServerName: twin.primaryContainerName,
    primaryServerId: twin.primaryContainerId,
    // The twin has no virtual endpoints: the writer is the primary container, the reader the replica (as replicaFqdns).
    writerFqdn: twin.primaryHost,
    readerFqdn: pulumi.interpolate`${twin.replicaHost}:${twin.replicaPort}`,
    primaryFqdn: twin.primaryHost,
    port: twin.primaryPort,
    databaseName: platform.database.name,
    // The twin issues its own CA and server certificate: clients verify both servers against it, as on Azure.
    sslMode: "verify-full",
    caCertificates: twin.caCertificate,
    replicaServerNames: { local: twin.replicaContainerName },
    replicaFqdns: { local: pulumi.interpolate`${twin.replicaHost}:${twin.replicaPort}` },
    replicaServerIds: { local: twin.replicaContainerId },
    administratorLogin: platform.local.administratorLogin,
    applicationLogin: APPLICATION_LOGIN,
    monitoringLogin: MONITORING_LOGIN,
    ...(platform.outputs.applicationPassword ? { applicationPassword: passwords.values.application } : {}),
    keyVaultName: "",
    passwordSecretNames: { administrator: "", application: "", monitoring: "" },
    jdbcUrl: pulumi.all([twin.primaryHost, twin.primaryPort]).apply(([h, p]) => jdbcUrl(h, p, platform.database.name)),
  };
}
