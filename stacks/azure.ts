/** The Azure composition (stacks prod and dev): one instance of each component, wired together. */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as resources from "@pulumi/azure-native/resources/index.js";
import { readBootstrapSql } from "../infra/bootstrap.js";
import { ConfigError, type AzurePlatform } from "../infra/config/platform.js";
import type { PlatformSecrets } from "../infra/config/load.js";
import { LongTermBackup } from "../infra/backup/long-term.js";
import { readLiveServers } from "../infra/database/live.js";
import { preflightProblems } from "../infra/database/preflight.js";
import { PostgresServers } from "../infra/database/servers.js";
import { Defender } from "../infra/defender/defender.js";
import { readAzureRootCas } from "../infra/certs.js";
import { KeyVault, passwordSecretName, storedSecrets, vaultReaders } from "../infra/secrets/key-vault.js";
import { KubernetesPublishing } from "../infra/kubernetes/publishing.js";
import { Monitoring } from "../infra/monitoring/monitoring.js";
import { Network } from "../infra/network/network.js";
import { type ContractOutputs, jdbcUrl } from "../infra/outputs.js";
import { Passwords } from "../infra/secrets/passwords.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN, PASSWORD_ROLES, POSTGRES_PORT, type RoleLogins } from "../infra/types.js";

/** The ARM id the program gives the PostgreSQL private DNS zone (compared with Azure's, which may differ in case). */
export function postgresDnsZoneId(subscriptionId: string, platform: AzurePlatform): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${platform.resourceGroupName}/providers/Microsoft.Network/privateDnsZones/${platform.network.postgresDnsZoneName}`;
}

/**
 * Options for each top-level resource of the composition: under the Platform component, answering also to its URN from
 * when it was a child of the stack (D81), so existing stacks keep every resource.
 */
export function childOptions(parent: pulumi.Resource | undefined): pulumi.CustomResourceOptions {
  return parent ? { parent, aliases: [{ parent: pulumi.rootStackResource }] } : {};
}

export async function azureStack(
  platform: AzurePlatform,
  secrets: PlatformSecrets,
  parent?: pulumi.Resource,
): Promise<ContractOutputs> {
  // What exists decides createMode, the disk size to send and whether a scale-up is in Azure's order: read it before
  // anything is registered, and refuse the whole change (like a config error) when it is out of order.
  const clientConfig = await authorization.getClientConfig();
  const serverNames = [platform.server.name, ...platform.replicas.map((r) => r.name)];
  const live = await readLiveServers(platform.resourceGroupName, serverNames);
  const problems = preflightProblems(platform, live, postgresDnsZoneId(clientConfig.subscriptionId, platform));
  if (problems.length > 0) throw new ConfigError(problems);

  const child = childOptions(parent);
  const client = authorization.getClientConfigOutput(parent ? { parent } : {});
  const tags = platform.tags;
  const logins: RoleLogins = {
    administrator: platform.server.administratorLogin,
    application: APPLICATION_LOGIN,
    monitoring: MONITORING_LOGIN,
  };

  const resourceGroup = new resources.ResourceGroup(
    "resource-group",
    { resourceGroupName: platform.resourceGroupName, location: platform.location, tags },
    { ...child, protect: true },
  );

  const network = new Network(
    "network",
    {
      resourceGroupName: resourceGroup.name,
      primaryRegion: platform.location,
      network: platform.network,
      pgBouncer: platform.server.pgBouncer.enabled,
      tags,
    },
    child,
  );

  const passwords = new Passwords("passwords", { policy: platform.passwords }, child);

  const vault = new KeyVault(
    "vault",
    {
      resourceGroupName: resourceGroup.name,
      location: platform.location,
      keyVault: platform.keyVault,
      passwords: platform.passwords,
      secrets: storedSecrets(passwords),
      readers: vaultReaders(platform.keyVault),
      tenantId: client.tenantId,
      privateEndpointSubnetId: network.privateEndpointSubnetId,
      keyVaultDnsZoneId: network.keyVaultDnsZoneId,
      tags,
    },
    child,
  );

  const postgres = new PostgresServers(
    "postgres",
    {
      platform,
      resourceGroupName: resourceGroup.name,
      subscriptionId: client.subscriptionId,
      tenantId: client.tenantId,
      administratorPassword: passwords.values.administrator,
      network,
      live,
    },
    child,
  );

  new Defender(
    "defender",
    {
      defender: platform.defender,
      resourceGroupName: resourceGroup.name,
      subscriptionId: client.subscriptionId,
      serverNames,
      after: [postgres.settled],
    },
    child,
  );

  if (platform.longTermBackup) {
    // The configured primary (LTR is not supported on replicas; after a switchover see docs/runbook.md, D76).
    new LongTermBackup(
      "long-term-backup",
      {
        longTermBackup: platform.longTermBackup,
        resourceGroupName: resourceGroup.name,
        resourceGroupId: resourceGroup.id,
        location: platform.location,
        server: { name: platform.server.name, id: postgres.primaryServerId },
        tags,
        after: [postgres.settled],
      },
      child,
    );
  }

  new Monitoring(
    "monitoring",
    {
      resourceGroupName: resourceGroup.name,
      resourceGroupId: resourceGroup.id,
      location: platform.location,
      monitoring: platform.monitoring,
      servers: postgres.servers,
      keyVaultId: vault.vaultId,
      ...(secrets.teamsWebhookUrl ? { teamsWebhookUrl: secrets.teamsWebhookUrl } : {}),
      tags,
    },
    child,
  );

  // The configured replicas, whatever the roles are today: the per-server outputs keep naming the servers as configured
  // (a switchover would otherwise put two "replicas" in Korea Central); writerFqdn/readerFqdn follow the roles (D72).
  const configuredReplicas = new Set(platform.replicas.map((r) => r.name));
  const replicas = postgres.servers.filter((s) => configuredReplicas.has(s.name));
  const byRegion = (pick: (s: (typeof replicas)[number]) => pulumi.Input<string>) =>
    pulumi.all(Object.fromEntries(replicas.map((s) => [s.region, pick(s)])));

  if (platform.kubernetes?.enabled) {
    new KubernetesPublishing(
      "kubernetes",
      {
        kubernetes: platform.kubernetes,
        connection: {
          writerHost: postgres.writerFqdn,
          readerHost: postgres.readerFqdn,
          primaryHost: postgres.primaryFqdn,
          replicaHosts: pulumi.all(replicas.map((s) => s.fqdn)),
          port: POSTGRES_PORT,
          databaseName: platform.database.name,
          sslMode: "verify-full",
          caCertificates: readAzureRootCas(),
        },
        logins,
        keyVault: { name: vault.vaultName, tenantId: client.tenantId, secretNames: vault.secretNames },
        bootstrapTarget: {
          database: platform.database.name,
          applicationLogin: logins.application,
          monitoringLogin: logins.monitoring,
        },
        databaseSubnetCidrs: Object.values(network.databaseSubnetCidrs),
        bootstrapSql: readBootstrapSql(),
        // A rotation must re-run the bootstrap, and only after the new secret versions and the database exist.
        passwordsRotation: platform.passwords.rotation,
        bootstrapDependsOn: [postgres.database, ...vault.secretResources],
      },
      child,
    );
  }

  return {
    platformKind: "azure",
    environment: platform.environment,
    resourceGroupName: resourceGroup.name,
    primaryServerName: platform.server.name,
    primaryServerId: postgres.primaryServerId,
    writerFqdn: postgres.writerFqdn,
    readerFqdn: postgres.readerFqdn,
    primaryFqdn: postgres.primaryFqdn,
    port: POSTGRES_PORT,
    databaseName: platform.database.name,
    sslMode: "verify-full",
    caCertificates: readAzureRootCas(),
    replicaServerNames: Object.fromEntries(replicas.map((s) => [s.region, s.name])),
    replicaFqdns: byRegion((s) => s.fqdn),
    replicaServerIds: byRegion((s) => s.id),
    administratorLogin: logins.administrator,
    applicationLogin: logins.application,
    monitoringLogin: logins.monitoring,
    ...(platform.outputs.applicationPassword ? { applicationPassword: passwords.values.application } : {}),
    keyVaultName: vault.vaultName,
    passwordSecretNames: Object.fromEntries(PASSWORD_ROLES.map((r) => [r, passwordSecretName(r)])),
    jdbcUrl: postgres.writerFqdn.apply((host) => jdbcUrl(host, POSTGRES_PORT, platform.database.name)),
  };
}
