/**
 * Publishes connection info to the AKS cluster: a namespace, a ConfigMap without any password, the Azure root CA bundle
 * clients verify the server with, SecretProviderClasses (Secrets Store CSI driver, Azure Key Vault provider, workload
 * identity) that mount what each identity may read, a Job that runs the bootstrap SQL under its own identity, and a
 * NetworkPolicy that limits the database clients' egress to the database subnets and DNS.
 *
 * No password ever passes through Kubernetes objects: the CSI driver fetches them from Key Vault into the pod's tmpfs,
 * and the bootstrap Job reads them from there. Nothing here creates a Kubernetes Secret.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/index.js";
import * as batch from "@pulumi/kubernetes/batch/v1/index.js";
import * as core from "@pulumi/kubernetes/core/v1/index.js";
import * as networking from "@pulumi/kubernetes/networking/v1/index.js";
import { Provider } from "@pulumi/kubernetes/provider.js";
import type * as k8sInputs from "@pulumi/kubernetes/types/input.js";
import { stringify as toYaml } from "yaml";
import type { KubernetesInput } from "../config/schema.js";
import { type BootstrapTarget, bootstrapDriver, passwordFileName } from "../bootstrap.js";
import { CA_FILE_NAME, CA_MOUNT_DIR } from "../certs.js";
import { jdbcUrl } from "../outputs.js";
import { POSTGRES_PORT, type RoleLogins } from "../types.js";

export interface ConnectionInfo {
  /** Writes: the writer virtual endpoint (follows a switchover, D70). */
  readonly writerHost: pulumi.Input<string>;
  /** Reads: the reader virtual endpoint. */
  readonly readerHost: pulumi.Input<string>;
  /** The servers' own names, published for operators and diagnostics. */
  readonly primaryHost: pulumi.Input<string>;
  readonly replicaHosts: pulumi.Input<readonly string[]>;
  readonly port: number;
  readonly databaseName: string;
  /** verify-full: the client checks the server's certificate and host name before it sends a password. */
  readonly sslMode: "verify-full";
  /** PEM bundle of the root CAs the server's certificate chains to. */
  readonly caCertificates: string;
}

/** What the vault stores under which name, as far as the cluster reads it. */
export interface VaultSecretNames {
  readonly "administrator-password": string;
  readonly "application-password": string;
  readonly "application-scram-verifier": string;
  readonly "monitoring-scram-verifier": string;
}

export interface KubernetesPublishingArgs {
  readonly kubernetes: KubernetesInput;
  readonly connection: ConnectionInfo;
  readonly logins: RoleLogins;
  readonly keyVault: {
    readonly name: pulumi.Input<string>;
    readonly tenantId: pulumi.Input<string>;
    readonly secretNames: VaultSecretNames;
  };
  /** The database and role names the bootstrap sets up. */
  readonly bootstrapTarget: BootstrapTarget;
  /** CIDRs the namespace may reach on 5432 (the delegated database subnets). */
  readonly databaseSubnetCidrs: readonly string[];
  /** Contents of sql/bootstrap.sql. */
  readonly bootstrapSql: string;
  /**
   * `passwords.rotation` from config. Part of the bootstrap Job's name, so a rotation runs the Job again and the database
   * learns the new passwords that Key Vault now holds.
   */
  readonly passwordsRotation?: string;
  /**
   * What the bootstrap Job must wait for besides the server: the database and the Key Vault secrets (so that after a
   * rotation the Job reads the new values, not the old ones).
   */
  readonly bootstrapDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Where pods mount the CSI volume, and the file name of each role's password in it (stable whatever the vault calls it). */
export const SECRETS_MOUNT_PATH = "/mnt/secrets/authdb";

/**
 * What each identity mounts — the same split the vault's per-secret role assignments enforce: the application its own
 * password; the bootstrap the administrator password and the two verifiers it sets (never a cleartext role password).
 */
export const WORKLOAD_SECRETS: readonly (keyof VaultSecretNames)[] = ["application-password"];
export const BOOTSTRAP_SECRETS: readonly (keyof VaultSecretNames)[] = [
  "administrator-password",
  "application-scram-verifier",
  "monitoring-scram-verifier",
];

/** Pods carrying this label are the database's clients: the egress policy selects them, and only them. */
export const DATABASE_CLIENT_LABEL = { "authdb.io/database-client": "true" } as const;

const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
const POSTGRES_UID = 999; // the postgres user of the official Debian-based postgres images
const BOOTSTRAP_SQL_DIR = "/bootstrap";
const DNS_PORT = 53;

export const CONNECTION_CONFIG_MAP_NAME = "authdb-connection";
export const CA_CONFIG_MAP_NAME = "authdb-ca";
export const WORKLOAD_SECRET_PROVIDER_CLASS_NAME = "authdb-passwords";
export const BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME = "authdb-bootstrap-passwords";

/**
 * libpq's own environment variables, so `envFrom` this ConfigMap (and the CA ConfigMap mounted at CA_MOUNT_DIR) is
 * enough for psql and libpq-based drivers; JDBC clients take JDBC_URL (writes) and JDBC_URL_READONLY. PGHOST and the
 * URLs name the virtual endpoints, so a switchover needs no ConfigMap change (D70); the servers' own names stay in
 * PGHOST_PRIMARY_SERVER and PGHOST_REPLICA_SERVERS. Deliberately no PGPASSWORD: the password is a file from the CSI
 * volume.
 */
export function connectionConfigData(
  c: {
    writerHost: string;
    readerHost: string;
    primaryHost: string;
    replicaHosts: readonly string[];
    port: number;
    databaseName: string;
    sslMode: string;
  },
  applicationLogin: string,
): Record<string, string> {
  const rootCert = `${CA_MOUNT_DIR}/${CA_FILE_NAME}`;
  return {
    PGHOST: c.writerHost,
    PGPORT: String(c.port),
    PGDATABASE: c.databaseName,
    PGSSLMODE: c.sslMode,
    PGSSLROOTCERT: `${CA_MOUNT_DIR}/${CA_FILE_NAME}`,
    PGUSER: applicationLogin,
    PGHOST_READONLY: c.readerHost,
    PGHOST_PRIMARY_SERVER: c.primaryHost,
    PGHOST_REPLICA_SERVERS: c.replicaHosts.join(","),
    JDBC_URL: jdbcUrl(c.writerHost, c.port, c.databaseName, rootCert),
    JDBC_URL_READONLY: jdbcUrl(c.readerHost, c.port, c.databaseName, rootCert),
  };
}

/**
 * The `objects` parameter of an Azure Key Vault SecretProviderClass: the vault's secrets, each aliased to its key
 * (`application-password`, `monitoring-scram-verifier`, …), the file name the driver and the apps read.
 */
export function keyVaultObjects(secretNames: VaultSecretNames, keys: readonly (keyof VaultSecretNames)[]): string {
  const array = keys.map((key) => toYaml({ objectName: secretNames[key], objectType: "secret", objectAlias: key }));
  return toYaml({ array });
}

/**
 * Deterministic suffix of the bootstrap Job's name: it changes exactly when the SQL, the way it runs (image, login,
 * service account), the vault's secret names or the password rotation change, so Pulumi replaces (re-runs) the Job then
 * and only then. Everything else in the Job's spec is constant, and a Job's pod template is immutable: a new name per
 * change lets Pulumi create the new Job before deleting the old one.
 */
export function bootstrapRunId(parts: {
  sql: string;
  driver: string;
  image: string;
  adminLogin: string;
  serviceAccountName: string;
  secretNames: VaultSecretNames;
  rotation: string;
}): string {
  const canonical = JSON.stringify([
    parts.sql,
    parts.driver,
    parts.image,
    parts.adminLogin,
    parts.serviceAccountName,
    BOOTSTRAP_SECRETS.map((key) => parts.secretNames[key]),
    parts.rotation,
  ]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 10);
}

/** Egress the namespace keeps: PostgreSQL in the database subnets, and DNS to the cluster's resolver. */
export function egressRules(databaseSubnetCidrs: readonly string[]): k8sInputs.networking.v1.NetworkPolicyEgressRule[] {
  if (databaseSubnetCidrs.length === 0)
    throw new Error("databaseSubnetCidrs is empty: the namespace could reach no database");
  return [
    {
      to: databaseSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: "TCP", port: POSTGRES_PORT }],
    },
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { protocol: "UDP", port: DNS_PORT },
        { protocol: "TCP", port: DNS_PORT },
      ],
    },
  ];
}

export class KubernetesPublishing extends pulumi.ComponentResource {
  readonly namespace!: pulumi.Output<string>;
  readonly configMapName!: pulumi.Output<string>;
  readonly caConfigMapName: pulumi.Output<string>;
  readonly secretProviderClassName!: pulumi.Output<string>;
  /** SecretProviderClass of the bootstrap identity (administrator password, SCRAM verifiers); only the Job uses it. */
  readonly bootstrapSecretProviderClassName: pulumi.Output<string>;
  readonly bootstrapJobName: pulumi.Output<string>;

  constructor(name: string, args: KubernetesPublishingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:kubernetes:Publishing", name, {}, opts);
    const k = args.kubernetes;
    const clientId = k.workloadIdentityClientId;
    const bootstrapClientId = k.bootstrapIdentityClientId;
    if (!clientId || !bootstrapClientId)
      throw new Error(
        "kubernetes.workloadIdentityClientId and kubernetes.bootstrapIdentityClientId are required: the CSI driver reads Key Vault with workload identity",
      );

    // Credentials come from the environment (KUBECONFIG), built by the deploy for this run only — `az aks
    // get-credentials` then `kubelogin convert-kubeconfig -l azurecli` — so no long-lived cluster credential is stored
    // in stack config or state.
    const provider = new Provider(`${name}-provider`, { enableServerSideApply: true }, { parent: this });
    const child = (extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      ...extra,
    });
    const labels = { "app.kubernetes.io/part-of": "authdb", "app.kubernetes.io/managed-by": "pulumi" };

    const namespace = new core.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: k.namespace,
          labels: {
            ...labels,
            // Everything this stack runs here passes the restricted profile; enforcing it keeps the namespace that way.
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      child(),
    );
    const ns = namespace.metadata.name;

    // One service account per identity: the application's and the bootstrap's, each federated with its own
    // user-assigned identity, so a pod of the application can never mount what the bootstrap reads.
    const serviceAccount = (resourceName: string, accountName: string, identityClientId: string) =>
      new core.ServiceAccount(
        resourceName,
        {
          metadata: {
            name: accountName,
            namespace: ns,
            labels,
            // The CSI driver exchanges the pod's token for this identity's Entra token.
            annotations: { "azure.workload.identity/client-id": identityClientId },
          },
        },
        child(),
      );
    serviceAccount(`${name}-service-account`, k.serviceAccountName, clientId);
    const bootstrapAccount = serviceAccount(
      `${name}-bootstrap-service-account`,
      k.bootstrapServiceAccountName,
      bootstrapClientId,
    );

    const connectionData = pulumi
      .all([
        args.connection.writerHost,
        args.connection.readerHost,
        args.connection.primaryHost,
        args.connection.replicaHosts,
      ])
      .apply(([writerHost, readerHost, primaryHost, replicaHosts]) =>
        connectionConfigData(
          { ...args.connection, writerHost, readerHost, primaryHost, replicaHosts },
          args.logins.application,
        ),
      );
    const connection = new core.ConfigMap(
      `${name}-connection`,
      { metadata: { name: CONNECTION_CONFIG_MAP_NAME, namespace: ns, labels }, data: connectionData },
      child(),
    );
    // Public certificates, not secrets: a ConfigMap is where they belong.
    const ca = new core.ConfigMap(
      `${name}-ca`,
      {
        metadata: { name: CA_CONFIG_MAP_NAME, namespace: ns, labels },
        data: { [CA_FILE_NAME]: args.connection.caCertificates },
      },
      child(),
    );

    const secretProviderClass = (
      resourceName: string,
      className: string,
      identityClientId: string,
      keys: readonly (keyof VaultSecretNames)[],
    ) =>
      new CustomResource(
        resourceName,
        {
          apiVersion: "secrets-store.csi.x-k8s.io/v1",
          kind: "SecretProviderClass",
          metadata: { name: className, namespace: ns, labels },
          spec: {
            provider: "azure",
            // No secretObjects: syncing into a Kubernetes Secret would put the passwords in etcd.
            parameters: {
              usePodIdentity: "false",
              useVMManagedIdentity: "false",
              clientID: identityClientId,
              keyvaultName: args.keyVault.name,
              tenantId: args.keyVault.tenantId,
              cloudName: "",
              objects: keyVaultObjects(args.keyVault.secretNames, keys),
            },
          },
        },
        child(),
      );
    const workloadSpc = secretProviderClass(
      `${name}-passwords`,
      WORKLOAD_SECRET_PROVIDER_CLASS_NAME,
      clientId,
      WORKLOAD_SECRETS,
    );
    const bootstrapSpc = secretProviderClass(
      `${name}-bootstrap-passwords`,
      BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME,
      bootstrapClientId,
      BOOTSTRAP_SECRETS,
    );

    new networking.NetworkPolicy(
      `${name}-egress`,
      {
        metadata: { name: "authdb-egress", namespace: ns, labels },
        spec: {
          // The database's clients, not the whole namespace: pods opt in with the label (docs/outputs.md).
          podSelector: { matchLabels: { ...DATABASE_CLIENT_LABEL } },
          policyTypes: ["Egress"],
          egress: egressRules(args.databaseSubnetCidrs),
        },
      },
      child(),
    );

    // The bootstrap run: SQL and its driver in an immutable ConfigMap, both named after the run id, so a change yields
    // a new ConfigMap and a new Job (the old ones are deleted once the new Job has succeeded).
    const driver = bootstrapDriver(SECRETS_MOUNT_PATH, `${BOOTSTRAP_SQL_DIR}/bootstrap.sql`, args.bootstrapTarget);
    const runId = bootstrapRunId({
      sql: args.bootstrapSql,
      driver,
      image: k.bootstrapImage,
      adminLogin: args.logins.administrator,
      serviceAccountName: k.bootstrapServiceAccountName,
      secretNames: args.keyVault.secretNames,
      rotation: args.passwordsRotation ?? "",
    });
    const sqlConfigMap = new core.ConfigMap(
      `${name}-bootstrap-sql`,
      {
        metadata: { name: `authdb-bootstrap-${runId}`, namespace: ns, labels },
        immutable: true,
        data: { "bootstrap.sql": args.bootstrapSql, "run.psql": driver },
      },
      child(),
    );

    const adminPasswordFile = `${SECRETS_MOUNT_PATH}/${passwordFileName("administrator")}`;
    const componentLabels = { ...labels, "app.kubernetes.io/component": "bootstrap" };
    const job = new batch.Job(
      `${name}-bootstrap`,
      {
        metadata: { name: `authdb-bootstrap-${runId}`, namespace: ns, labels: componentLabels },
        spec: {
          // No ttlSecondsAfterFinished: a Job the TTL controller deletes looks like drift on the next refresh and would be
          // re-created (re-run). Pulumi deletes the old Job itself when the run id changes.
          backoffLimit: 3,
          activeDeadlineSeconds: 900,
          template: {
            metadata: { labels: { ...componentLabels, ...DATABASE_CLIENT_LABEL } },
            spec: {
              serviceAccountName: bootstrapAccount.metadata.name,
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: POSTGRES_UID,
                runAsGroup: POSTGRES_UID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "psql",
                  image: k.bootstrapImage,
                  envFrom: [{ configMapRef: { name: connection.metadata.name } }],
                  env: [
                    { name: "PGUSER", value: args.logins.administrator },
                    { name: "PGAPPNAME", value: "authdb-bootstrap" },
                    { name: "PGCONNECT_TIMEOUT", value: "15" },
                    { name: "PGPASSFILE", value: "/tmp/pgpass" },
                    { name: "HOME", value: "/tmp" },
                  ],
                  // The administrator password goes from the CSI file into a 0600 passfile on the pod's tmpfs, which
                  // libpq reads: never argv, never an environment variable, never the pod spec.
                  command: [
                    "/bin/sh",
                    "-ec",
                    `umask 077; printf '*:*:*:*:%s\\n' "$(cat ${adminPasswordFile})" > "$PGPASSFILE"; exec psql --no-psqlrc -f ${BOOTSTRAP_SQL_DIR}/run.psql`,
                  ],
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                  volumeMounts: [
                    { name: "passwords", mountPath: SECRETS_MOUNT_PATH, readOnly: true },
                    { name: "sql", mountPath: BOOTSTRAP_SQL_DIR, readOnly: true },
                    { name: "ca", mountPath: CA_MOUNT_DIR, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                {
                  name: "passwords",
                  csi: {
                    driver: SECRETS_STORE_DRIVER,
                    readOnly: true,
                    volumeAttributes: { secretProviderClass: bootstrapSpc.metadata.name },
                  },
                },
                { name: "sql", configMap: { name: sqlConfigMap.metadata.name } },
                { name: "ca", configMap: { name: ca.metadata.name } },
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
              ],
            },
          },
        },
      },
      child({
        dependsOn: args.bootstrapDependsOn ?? [],
        customTimeouts: { create: "15m", update: "15m" },
      }),
    );

    this.namespace = ns;
    this.configMapName = connection.metadata.name;
    this.caConfigMapName = ca.metadata.name;
    this.secretProviderClassName = workloadSpc.metadata.name;
    this.bootstrapSecretProviderClassName = bootstrapSpc.metadata.name;
    this.bootstrapJobName = job.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      configMapName: this.configMapName,
      caConfigMapName: this.caConfigMapName,
      secretProviderClassName: this.secretProviderClassName,
      bootstrapSecretProviderClassName: this.bootstrapSecretProviderClassName,
      bootstrapJobName: this.bootstrapJobName,
    });
  }
}
