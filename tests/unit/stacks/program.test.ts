// An invalid config registers nothing: validation runs before the first resource, for every kind of mistake.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../infra/config/platform.js";
import { type CapturedResource, readStackFile, runOffline } from "../../../tools/offline.js";

const MISTAKES: Record<string, (p: any) => void> = {
  "replica smaller than primary": (p) => (p.replicas[0].sku = { name: "Standard_D2s_v3", tier: "GeneralPurpose" }),
  "HA on Burstable": (p) => (p.server.sku = { name: "Standard_B2ms", tier: "Burstable" }),
  "overlapping VNets": (p) => (p.network.vnets[1].addressSpace = "10.0.0.0/16"),
  "invalid alert window": (p) => (p.monitoring.alerts.memoryPercent.window = "PT3M"),
  "plain-text password": (p) => (p.server.administratorPassword = "hunter2"),
  "bad rotation stamp": (p) => (p.passwords.rotation = "soon"),
  "standby zone equals primary zone": (p) => (p.server.highAvailability.standbyZone = "1"),
  "zone on the Korea South replica": (p) => (p.replicas[0].availabilityZone = "2"),
  "six replicas": (p) =>
    (p.replicas = Array.from({ length: 6 }, (_, i) => ({
      name: `phonebill-auth-postgresql-prod-r${i}`,
      region: "koreacentral",
    }))),
  "retention of 40 days": (p) => (p.server.backup.retentionDays = 40),
  "subnet outside its VNet": (p) => (p.network.vnets[1].subnets.database.cidr = "10.2.2.0/24"),
  "SSD v2 with HA in Korea Central": (p) =>
    (p.server.storage = { type: "PremiumV2_LRS", sizeGB: 256, autoGrow: false, iops: 3000 }),
  "plan's collation spelling": (p) => (p.database.collation = "ko_KR.UTF-8"),
  "alert routed to no group": (p) => (p.monitoring.alerts.cpuPercent.actionGroup = "nobody"),
  "threshold out of range": (p) => (p.monitoring.alerts.storagePercent.threshold = 180),
  "misspelt key": (p) => (p.server.geoRedundantBackup = true),
};

describe("invalid config registers no resource", () => {
  for (const [label, mutate] of Object.entries(MISTAKES)) {
    it(label, async () => {
      const { config, secretKeys } = readStackFile("Pulumi.prod.yaml");
      const platform = structuredClone(config["authdb:platform"]);
      mutate(platform);
      const registered: CapturedResource[] = [];
      await assert.rejects(
        runOffline({
          stack: "prod",
          config: { ...config, "authdb:platform": platform, "authdb:teamsWebhookUrl": "x", "authdb:kubeconfig": "y" },
          secretKeys: [...secretKeys, "authdb:teamsWebhookUrl", "authdb:kubeconfig"],
          onRegister: (r) => registered.push(r),
        }),
        (e: unknown) => e instanceof ConfigError,
      );
      assert.deepEqual(
        registered.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type),
        [],
      );
    });
  }
});
