// An invalid config registers nothing: validation runs before the first resource, for every kind of mistake.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../infra/config/platform.js";
import { type CapturedResource, readStackFile, runOffline } from "../tools/offline.js";

const MISTAKES: Record<string, (p: any) => void> = {
  "replica smaller than primary": (p) => (p.replicas[0].sku = { name: "Standard_D2s_v3", tier: "GeneralPurpose" }),
  "HA on Burstable": (p) => (p.server.sku = { name: "Standard_B2ms", tier: "Burstable" }),
  "overlapping VNets": (p) => (p.network.vnets[1].addressSpace = "10.0.0.0/16"),
  "invalid alert window": (p) => (p.monitoring.alerts.memoryPercent.window = "PT3M"),
  "plain-text password": (p) => (p.server.administratorPassword = "hunter2"),
  "bad rotation stamp": (p) => (p.passwords.rotation = "soon"),
};

describe("invalid config registers no resource", () => {
  for (const [label, mutate] of Object.entries(MISTAKES)) {
    it(label, async () => {
      const { config, secretKeys } = readStackFile("Pulumi.prod.yaml");
      const platform = structuredClone(config["authdb:platform"]);
      mutate(platform);
      const registered: CapturedResource[] = [];
      await assert.rejects(
        runOffline({ stack: "prod", config: { ...config, "authdb:platform": platform, "authdb:teamsWebhookUrl": "x", "authdb:kubeconfig": "y" }, secretKeys: [...secretKeys, "authdb:teamsWebhookUrl", "authdb:kubeconfig"], onRegister: (r) => registered.push(r) }),
        (e: unknown) => e instanceof ConfigError,
      );
      assert.deepEqual(registered.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type), []);
    });
  }
});
