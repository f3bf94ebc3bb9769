/** The Platform component: validation before any registration, and the output contract with its secrets (D80). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../../infra/config/platform.js";
import { Platform, validatePlatformArgs } from "../../../stacks/platform.js";
import type { PlatformArgs } from "../../../stacks/platform-args.js";
import { type CapturedResource, readStackFile, runOffline } from "../../../tools/offline.js";

// prod alerts post to Teams, so the webhook (a secret) is part of its args.
const prodArgs = (): PlatformArgs => ({
  ...(readStackFile("Pulumi.prod.yaml").config["authdb:platform"] as PlatformArgs),
  teamsWebhookUrl: "https://example.invalid/webhook",
});

describe("Platform component", () => {
  it("accepts the prod platform as args", () => {
    assert.equal(validatePlatformArgs(prodArgs()).kind, "azure");
  });

  it("rejects invalid args naming every key in the schema's spelling, and registers nothing", async () => {
    const args = prodArgs();
    const bad = {
      ...args,
      server: { ...args.server!, maxConnections: 10, pgBouncr: { enabled: true } },
      keyVault: { ...args.keyVault!, name: "1-bad" },
    } as PlatformArgs;
    assert.throws(
      () => validatePlatformArgs(bad),
      (e: unknown) =>
        e instanceof ConfigError &&
        ["platform.server.maxConnections", "platform.server", "platform.keyVault.name"].every((p) =>
          e.issues.some((i) => i.path === p),
        ),
    );
    const registered: CapturedResource[] = [];
    await assert.rejects(
      runOffline({
        stack: "prod",
        config: {},
        onRegister: (r) => registered.push(r),
        program: async () => {
          new Platform("platform", bad);
          return {};
        },
      }),
      ConfigError,
    );
    assert.deepEqual(
      registered.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type),
      [],
    );
  });

  it("publishes the output contract as properties; the application password is secret, the host name is not", async () => {
    const seen: Record<string, boolean> = {};
    await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        const platform = new Platform("platform", { ...prodArgs(), outputs: { applicationPassword: true } });
        await platform.contract();
        seen.applicationPassword = await pulumi.isSecret(platform.applicationPassword);
        seen.primaryFqdn = await pulumi.isSecret(platform.primaryFqdn);
        seen.keyVaultName = await pulumi.isSecret(platform.keyVaultName);
        return {};
      },
    });
    assert.deepEqual(seen, { applicationPassword: true, primaryFqdn: false, keyVaultName: false });
  });
});
