/**
 * Publishes connection info to the AKS cluster: a namespace, a ConfigMap without any password, a SecretProviderClass
 * (Secrets Store CSI driver, Azure Key Vault provider, workload identity) that mounts the passwords from Key Vault, a Job
 * that runs the bootstrap SQL, and a NetworkPolicy that limits egress to the database subnets on 5432 and DNS.
 *
 * No password ever passes through Kubernetes objects: the CSI driver fetches them from Key Vault into the pod's tmpfs, and
 * the bootstrap Job reads them from there. Nothing here creates a Kubernetes Secret.
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
import { bootstrapDriver, passwordFileName } from "../bootstrap.js";
import type { PasswordRole } from "../types.js";
import type { RoleLogins } from "../types.js";

export interface ConnectionInfo {
  readonly primaryHost: pulumi.Input<string>;
  readonly replicaHosts: pulumi.Input<readonly string[]>;
  readonly port: number;
  readonly databaseName: string;
  readonly sslMode: "require" | "verify-full";
}

export interface KubernetesPublishingArgs {
  readonly kubernetes: KubernetesInput;
  /** Secret kubeconfig of the target cluster. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly connection: ConnectionInfo;
  readonly logins: RoleLogins;
  readonly keyVault: {
    readonly name: pulumi.Input<string>;
    readonly tenantId: pulumi.Input<string>;
    readonly secretNames: Readonly<Record<PasswordRole, string>>;
  };
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

/** Roles whose passwords application pods may mount; the administrator's is mounted only into the bootstrap Job. */
export const WORKLOAD_PASSWORD_ROLES: readonly PasswordRole[] = ["application", "monitoring"];
export const BOOTSTRAP_PASSWORD_ROLES: readonly PasswordRole[] = ["administrator", "application", "monitoring"];

const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
const POSTGRES_UID = 999; // the postgres user of the official Debian-based postgres images
const BOOTSTRAP_SQL_DIR = "/bootstrap";
const DNS_PORT = 53;

export const CONNECTION_CONFIG_MAP_NAME = "authdb-connection";
export const WORKLOAD_SECRET_PROVIDER_CLASS_NAME = "authdb-passwords";
export const BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME = "authdb-bootstrap-passwords";

/**
 * libpq's own environment variables, so `envFrom` this ConfigMap is enough for psql and libpq-based drivers; JDBC
 * clients take JDBC_URL. Deliberately no PGPASSWORD: the password is a file from the CSI volume.
 */
export function connectionConfigData(
  c: { primaryHost: string; replicaHosts: readonly string[]; port: number; databaseName: string; sslMode: string },
  applicationLogin: string,
): Record<string, string> {
  return {
    PGHOST: c.primaryHost,
    PGPORT: String(c.port),
    PGDATABASE: c.databaseName,
    PGSSLMODE: c.sslMode,
    PGUSER: applicationLogin,
    PGHOST_READONLY: c.replicaHosts.join(","),
    JDBC_URL: `jdbc:postgresql://${c.primaryHost}:${c.port}/${c.databaseName}?sslmode=${c.sslMode}`,
  };
}

/** The `objects` parameter of an Azure Key Vault SecretProviderClass: the vault's secrets, each aliased to its role's file name. */
export function keyVaultObjects(
  secretNames: Readonly<Record<PasswordRole, string>>,
  roles: readonly PasswordRole[],
): string {
  const array = roles.map((role) =>
    toYaml({ objectName: secretNames[role], objectType: "secret", objectAlias: passwordFileName(role) }),
  );
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
  secretNames: Readonly<Record<PasswordRole, string>>;
  rotation: string;
}): string {
  const canonical = JSON.stringify([
    parts.sql,
    parts.driver,
    parts.image,
    parts.adminLogin,
    parts.serviceAccountName,
    BOOTSTRAP_PASSWORD_ROLES.map((r) => parts.secretNames[r]),
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
      ports: [{ protocol: "TCP", port: 5432 }],
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
  readonly secretProviderClassName!: pulumi.Output<string>;
  /** SecretProviderClass that also mounts the administrator password; only the bootstrap Job uses it. */
  readonly bootstrapSecretProviderClassName: pulumi.Output<string>;
  readonly bootstrapJobName: pulumi.Output<string>;

  constructor(name: string, args: KubernetesPublishingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:kubernetes:Publishing", name, {}, opts);
    const k = args.kubernetes;
    const clientId = k.workloadIdentityClientId;
    if (!clientId)
      throw new Error(
        "kubernetes.workloadIdentityClientId is required: the CSI driver reads Key Vault with workload identity",
      );

    const provider = new Provider(
      `${name}-provider`,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );
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

    const serviceAccount = new core.ServiceAccount(
      `${name}-service-account`,
      {
        metadata: {
          name: k.serviceAccountName,
          namespace: ns,
          labels,
          // The user-assigned identity federated with this service account; the CSI driver exchanges the pod's token for it.
          annotations: { "azure.workload.identity/client-id": clientId },
        },
      },
      child(),
    );

    const connectionData = pulumi
      .all([args.connection.primaryHost, args.connection.replicaHosts])
      .apply(([primaryHost, replicaHosts]) =>
        connectionConfigData({ ...args.connection, primaryHost, replicaHosts }, args.logins.application),
      );
    const connection = new core.ConfigMap(
      `${name}-connection`,
      { metadata: { name: CONNECTION_CONFIG_MAP_NAME, namespace: ns, labels }, data: connectionData },
      child(),
    );

    const secretProviderClass = (resourceName: string, className: string, roles: readonly PasswordRole[]) =>
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
              clientID: clientId,
              keyvaultName: args.keyVault.name,
              tenantId: args.keyVault.tenantId,
              cloudName: "",
              objects: keyVaultObjects(args.keyVault.secretNames, roles),
            },
          },
        },
        child(),
      );
    const workloadSpc = secretProviderClass(
      `${name}-passwords`,
      WORKLOAD_SECRET_PROVIDER_CLASS_NAME,
      WORKLOAD_PASSWORD_ROLES,
    );
    const bootstrapSpc = secretProviderClass(
      `${name}-bootstrap-passwords`,
      BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME,
      BOOTSTRAP_PASSWORD_ROLES,
    );

    new networking.NetworkPolicy(
      `${name}-egress`,
      {
        metadata: { name: "authdb-egress", namespace: ns, labels },
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: egressRules(args.databaseSubnetCidrs) },
      },
      child(),
    );

    // The bootstrap run: SQL and its driver in an immutable ConfigMap, both named after the run id, so a change yields
    // a new ConfigMap and a new Job (the old ones are deleted once the new Job has succeeded).
    const driver = bootstrapDriver(SECRETS_MOUNT_PATH, `${BOOTSTRAP_SQL_DIR}/bootstrap.sql`);
    const runId = bootstrapRunId({
      sql: args.bootstrapSql,
      driver,
      image: k.bootstrapImage,
      adminLogin: args.logins.administrator,
      serviceAccountName: k.serviceAccountName,
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
    const job = new batch.Job(
      `${name}-bootstrap`,
      {
        metadata: {
          name: `authdb-bootstrap-${runId}`,
          namespace: ns,
          labels: { ...labels, "app.kubernetes.io/component": "bootstrap" },
        },
        spec: {
          // No ttlSecondsAfterFinished: a Job the TTL controller deletes looks like drift on the next refresh and would be
          // re-created (re-run). Pulumi deletes the old Job itself when the run id changes.
          backoffLimit: 3,
          activeDeadlineSeconds: 900,
          template: {
            metadata: { labels: { ...labels, "app.kubernetes.io/component": "bootstrap" } },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
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
                    { name: "HOME", value: "/tmp" },
                  ],
                  // The administrator password goes from the CSI file into this process's environment only.
                  command: [
                    "/bin/sh",
                    "-ec",
                    `PGPASSWORD="$(cat ${adminPasswordFile})"; export PGPASSWORD; exec psql --no-psqlrc -f ${BOOTSTRAP_SQL_DIR}/run.psql`,
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
    this.secretProviderClassName = workloadSpc.metadata.name;
    this.bootstrapSecretProviderClassName = bootstrapSpc.metadata.name;
    this.bootstrapJobName = job.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      configMapName: this.configMapName,
      secretProviderClassName: this.secretProviderClassName,
      bootstrapSecretProviderClassName: this.bootstrapSecretProviderClassName,
      bootstrapJobName: this.bootstrapJobName,
    });
  }
}
