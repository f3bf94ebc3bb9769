/**
 * Monitoring: Log Analytics workspace, diagnostic settings on every server and on the vault, action groups from config,
 * and the alert pack per server role.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "./config/platform.js";
import type { ServerRef, Tags } from "./types.js";

export interface MonitoringArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly monitoring: AzurePlatform["monitoring"];
  /** Derived in config from max_connections minus Azure's reserved slots. */
  readonly activeConnectionsThreshold: number;
  readonly servers: readonly ServerRef[];
  readonly keyVaultId: pulumi.Input<string>;
  /** Secret; required when an action group has teams: true (config validation guarantees it). */
  readonly teamsWebhookUrl?: pulumi.Output<string>;
  readonly tags: Tags;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly workspaceId!: pulumi.Output<string>;
  readonly actionGroupIds: Readonly<Record<string, pulumi.Output<string>>> = {};

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:Monitoring", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
