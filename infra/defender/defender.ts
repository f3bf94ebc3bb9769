/**
 * Microsoft Defender for open-source relational databases, as the platform config chooses:
 * - scope `server`: each server's own advanced threat protection setting — the resource Microsoft's built-in policies
 *   audit and deploy (Azure Policy d38668f5 / 2a6ae02f: `Microsoft.DBforPostgreSQL/flexibleServers/
 *   advancedThreatProtectionSettings`, name `Default`, `properties.state` Enabled). azure-native 3.28 has no class for
 *   it, so it is written through the generic `resources:Resource` at the Flexible Server API version, which defines the
 *   PUT (REST spec 2025-08-01, AdvancedThreatProtectionSettings.json).
 * - scope `subscription`: the subscription's Defender plan `OpenSourceRelationalDatabases` at tier Standard
 *   (`security:Pricing`, what Azure Policy 44433aa3 deploys); it covers every such server in the subscription.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources/index.js";
import * as security from "@pulumi/azure-native/security/index.js";
import type { AzurePlatform } from "../config/platform.js";

/** The Flexible Server API version whose spec defines advancedThreatProtectionSettings (create or update). */
export const THREAT_PROTECTION_API_VERSION = "2025-08-01";
export const DEFENDER_PLAN = "OpenSourceRelationalDatabases";

export interface DefenderArgs {
  readonly defender: AzurePlatform["defender"];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /** Azure names of every server (primary and replicas). */
  readonly serverNames: readonly string[];
  /** The last write to the servers: Azure refuses concurrent changes to a server ("ServerBusy"). */
  readonly after: readonly pulumi.Resource[];
}

export class Defender extends pulumi.ComponentResource {
  constructor(name: string, args: DefenderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:Defender", name, {}, opts);
    const { defender } = args;
    if (defender.scope === "subscription") {
      if (defender.enabled) {
        new security.Pricing(
          `${name}-plan`,
          {
            pricingName: DEFENDER_PLAN,
            pricingTier: "Standard",
            scopeId: pulumi.interpolate`/subscriptions/${args.subscriptionId}`,
          },
          // Other stacks and teams share the subscription's plan: leaving this stack must not switch it off for them.
          { parent: this, retainOnDelete: true },
        );
      }
    } else {
      let previous: readonly pulumi.Resource[] = args.after;
      for (const serverName of args.serverNames) {
        const setting: pulumi.Resource = new resources.Resource(
          `${name}-${serverName}-threat-protection`,
          {
            resourceGroupName: args.resourceGroupName,
            resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
            parentResourcePath: `flexibleServers/${serverName}`,
            resourceType: "advancedThreatProtectionSettings",
            resourceName: "Default",
            apiVersion: THREAT_PROTECTION_API_VERSION,
            properties: { state: defender.enabled ? "Enabled" : "Disabled" },
          },
          // A singleton of the server: it goes with the server, and switching it off is state Disabled, not a delete.
          { parent: this, dependsOn: [...previous], retainOnDelete: true },
        );
        previous = [setting];
      }
    }
    this.registerOutputs({});
  }
}
