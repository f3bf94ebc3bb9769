/** The Azure composition (stacks prod and dev): one instance of each component, wired together. */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as resources from "@pulumi/azure-native/resources/index.js";
import { readBootstrapSql } from "../infra/bootstrap.js";
import type { AzurePlatform } from "../infra/config/platform.js";
import type { PlatformSecrets } from "../infra/config/load.js";
import { PostgresServers } from "../infra/database/servers.js";
import { KeyVault } from "../infra/secrets/key-vault.js";
import { KubernetesPublishing } from "../infra/kubernetes/publishing.js";
import { Monitoring } from "../infra/monitoring/monitoring.js";
import { Network } from "../infra/network/network.js";
import { type ContractOutputs, jdbcUrl } from "../infra/outputs.js";
import { Passwords } from "../infra/secrets/passwords.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN, type RoleLogins } from "../infra/types.js";

const POSTGRES_PORT = 5432;

export function azureStack(platform: AzurePlatform, secrets: PlatformSecrets): ContractOutputs {
  const client = authorization.getClientConfigOutput();
  const tags = platform.tags;
  const logins: RoleLogins = {
    administrator: platform.server.administratorLogin,
    application: APPLICATION_LOGIN,
    monitoring: MONITORING_LOGIN,
  };

  const resourceGroup = new resources.ResourceGroup(
    "resource-group",
    { resourceGroupName: platform.resourceGroupName, location: platform.location, tags },
    { protect: true },
  );

  const network = new Network("network", {
    resourceGroupName: resourceGroup.name,
    primaryRegion: platform.location,
    network: platform.network,
    tags,
  });

  const passwords = new Passwords("passwords", { policy: platform.passwords });

  const vault = new KeyVault("vault", {
    resourceGroupName: resourceGroup.name,
    location: platform.location,
    keyVault: platform.keyVault,
    passwords: platform.passwords,
    secretValues: passwords.values,
    tenantId: client.tenantId,
    deployerPrincipalId: client.objectId,
    privateEndpointSubnetId: network.privateEndpointSubnetId,
    keyVaultDnsZoneId: network.keyVaultDnsZoneId,
    tags,
  });

  const postgres = new PostgresServers("postgres", {
    platform,
    resourceGroupName: resourceGroup.name,
    tenantId: client.tenantId,
    administratorPassword: passwords.values.administrator,
    network,
  });

  new Monitoring("monitoring", {
    resourceGroupName: resourceGroup.name,
    location: platform.location,
    monitoring: platform.monitoring,
    activeConnectionsThreshold: platform.activeConnectionsThreshold,
    servers: postgres.servers,
    keyVaultId: vault.vaultId,
    ...(secrets.teamsWebhookUrl ? { teamsWebhookUrl: secrets.teamsWebhookUrl } : {}),
    tags,
  });

  const replicas = postgres.servers.filter((s) => s.role === "replica");
  const byRegion = (pick: (s: (typeof replicas)[number]) => pulumi.Input<string>) =>
    pulumi.all(Object.fromEntries(replicas.map((s) => [s.region, pick(s)])));

  if (platform.kubernetes?.enabled && secrets.kubeconfig) {
    new KubernetesPublishing("kubernetes", {
      kubernetes: platform.kubernetes,
      kubeconfig: secrets.kubeconfig,
      connection: {
        primaryHost: postgres.primaryFqdn,
        replicaHosts: pulumi.all(replicas.map((s) => s.fqdn)),
        port: POSTGRES_PORT,
        databaseName: platform.database.name,
        sslMode: "require",
      },
      logins,
      keyVault: { name: vault.vaultName, tenantId: client.tenantId, secretNames: vault.secretNames },
      databaseSubnetCidrs: Object.values(network.databaseSubnetCidrs),
      bootstrapSql: readBootstrapSql(),
      // A rotation must re-run the bootstrap, and only after the new secret versions and the database exist.
      passwordsRotation: platform.passwords.rotation,
      bootstrapDependsOn: [postgres.database, ...vault.secretResources],
    });
  }

  return {
    platformKind: "azure",
    environment: platform.environment,
    resourceGroupName: resourceGroup.name,
    primaryServerName: platform.server.name,
    primaryServerId: postgres.primaryServerId,
    primaryFqdn: postgres.primaryFqdn,
    port: POSTGRES_PORT,
    databaseName: platform.database.name,
    sslMode: "require",
    replicaServerNames: Object.fromEntries(replicas.map((s) => [s.region, s.name])),
    replicaFqdns: byRegion((s) => s.fqdn),
    replicaServerIds: byRegion((s) => s.id),
    administratorLogin: logins.administrator,
    applicationLogin: logins.application,
    monitoringLogin: logins.monitoring,
    applicationPassword: passwords.values.application,
    keyVaultName: vault.vaultName,
    passwordSecretNames: vault.secretNames,
    jdbcUrl: postgres.primaryFqdn.apply((host) => jdbcUrl(host, POSTGRES_PORT, platform.database.name)),
  };
}
