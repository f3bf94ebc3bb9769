// The change checks on hand-made plans: each check passes on the right case and fails on the wrong one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESTART_COMMAND } from "../../../../infra/database/servers.js";
import { SECRET_PLACEHOLDER } from "../../../../tools/offline.js";
import { type PlanResource, diffPlans } from "../../../../tools/preview/diff.js";
import { previewMarkdown, previewText } from "../../../../tools/preview/format.js";
import { buildPreview } from "../../../../tools/preview/run.js";
import { executionOrder, previewViolations, restartsOf } from "../../../../tools/preview/rules.js";

const SERVER = "azure-native:dbforpostgresql:Server";
const urn = (type: string, name: string) => `urn:pulumi:prod::authdb::${type}::${name}`;
const ID = (name: string) =>
  `/subscriptions/0/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;

function res(type: string, name: string, inputs: Record<string, unknown>, o: Partial<PlanResource> = {}): PlanResource {
  return {
    urn: urn(type, name),
    type,
    name,
    parent: null,
    dependsOn: [],
    protect: false,
    ignoreChanges: [],
    inputs,
    ...o,
  };
}
const server = (name: string, sku: string, gb: number, o: Partial<PlanResource> = {}, replicaOf?: string) =>
  res(
    SERVER,
    name,
    {
      serverName: name,
      sku: { name: sku, tier: "GeneralPurpose" },
      storage: { storageSizeGB: gb },
      createMode: replicaOf ? "Replica" : "Create",
      ...(replicaOf ? { sourceServerResourceId: ID(replicaOf) } : {}),
    },
    { protect: true, ...o },
  );
const config = (server: string, param: string, value: string, o: Partial<PlanResource> = {}) =>
  res(
    "azure-native:dbforpostgresql:Configuration",
    `${server}-${param}`,
    { serverName: server, configurationName: param, value },
    o,
  );
const restart = (server: string, trigger: string, o: Partial<PlanResource> = {}) =>
  res(
    "command:local:Command",
    `${server}-restart`,
    { create: RESTART_COMMAND, environment: { SERVER_NAME: server }, triggers: [trigger] },
    o,
  );

function check(base: PlanResource[], head: PlanResource[]) {
  const diff = diffPlans(base, head);
  return { diff, violations: previewViolations(base, head, diff), steps: executionOrder(base, head, diff.changes) };
}

describe("protected-replacement", () => {
  it("refuses a replacement of a protected resource, naming resource and property", () => {
    const b = [server("p", "Standard_D4ds_v5", 256)];
    const h = [res(SERVER, "p", { ...b[0].inputs, administratorLogin: "other" }, { protect: true })];
    const { violations, diff } = check(b, h);
    assert.equal(diff.changes[0].op, "replace");
    assert.equal(violations.length, 1);
    assert.equal(violations[0].policy, "protected-replacement");
    assert.match(
      violations[0].message,
      /^p \[azure-native:dbforpostgresql:Server\] would be replaced .*`administratorLogin`/,
    );
  });

  it("refuses deleting a stateful resource even if not marked protect", () => {
    const vault = res("azure-native:keyvault:Vault", "v", { vaultName: "v" });
    const { violations } = check([vault], []);
    assert.equal(violations[0].policy, "protected-replacement");
    assert.match(violations[0].message, /would be deleted/);
  });

  it("lets an unprotected, stateless resource be replaced (negative control)", () => {
    const a = res("azure-native:monitor:MetricAlert", "a", { ruleName: "a", location: "global" });
    const { diff, violations } = check([a], [res(a.type, "a", { ruleName: "b", location: "global" })]);
    assert.equal(diff.changes[0].op, "replace");
    assert.deepEqual(violations, []);
  });

  it("an ignored path is listed, not applied", () => {
    const b = server("p", "Standard_D4ds_v5", 256, { ignoreChanges: ["availabilityZone"] });
    const h = res(
      SERVER,
      "p",
      { ...b.inputs, availabilityZone: "2" },
      { protect: true, ignoreChanges: ["availabilityZone"] },
    );
    const { diff, violations } = check([b], [h]);
    assert.equal(diff.changes[0].op, "none");
    assert.deepEqual(diff.changes[0].ignored, ["availabilityZone"]);
    assert.deepEqual(violations, []);
    const { diff: unignored, violations: v2 } = check([{ ...b, ignoreChanges: [] }], [{ ...h, ignoreChanges: [] }]);
    assert.equal(unignored.changes[0].op, "replace", "the same change without ignoreChanges replaces the server");
    assert.equal(v2[0].policy, "protected-replacement");
  });
});

describe("aliases", () => {
  it("a resource moved under an alias is the same resource; without the alias it is a delete and a create", () => {
    const old = server("p", "Standard_D4ds_v5", 256);
    const moved = { ...old, urn: urn(SERVER, "p2"), name: "p2" };
    assert.deepEqual(check([old], [{ ...moved, aliasUrns: [old.urn] }]).diff.changes, []);
    const { diff, violations } = check([old], [moved]);
    assert.deepEqual(diff.changes.map((c) => c.op).sort(), ["create", "delete"]);
    assert.equal(violations[0].policy, "protected-replacement");
  });
});

describe("retainOnDelete", () => {
  it("a removed resource kept in Azure is a delete from the stack, said so; a retained stateful one is still refused", () => {
    const lock = res(
      "azure-native:authorization:ManagementLockByScope",
      "l",
      { scope: "/x", lockName: "l" },
      { retainOnDelete: true },
    );
    const { diff, violations } = check([lock], []);
    assert.equal(diff.changes[0].op, "delete");
    assert.equal(diff.changes[0].retainOnDelete, true);
    assert.deepEqual(violations, []);
    const text = previewText(
      {
        stack: "prod",
        base: { kind: "plan-json", ref: "b" },
        changes: diff.changes,
        steps: [lock.urn],
        restarts: [],
        backups: [],
        violations,
        unchanged: 0,
      },
      [lock],
      [],
    );
    assert.match(text, /- l .*delete from the stack \(retainOnDelete: Azure keeps it\)/);
    const zone = res("azure-native:privatedns:PrivateZone", "z", { privateZoneName: "z" }, { retainOnDelete: true });
    assert.equal(check([zone], []).violations[0]?.policy, "protected-replacement");
  });
});

describe("dependents of a replacement", () => {
  it("a rotated password updates the secret and the admin password in place; the value never shows", () => {
    const pw = (k: string) =>
      res("random:index/randomPassword:RandomPassword", "pw", { length: 32, keepers: { rotation: k } });
    const secret = res(
      "azure-native:keyvault:Secret",
      "s",
      { vaultName: "v", secretName: "s", properties: { value: SECRET_PLACEHOLDER } },
      {
        dependsOn: [urn("random:index/randomPassword:RandomPassword", "pw")],
        propertyDependencies: { properties: [urn("random:index/randomPassword:RandomPassword", "pw")] },
      },
    );
    const { diff, violations } = check([pw("1"), secret], [pw("2"), secret]);
    const byName = Object.fromEntries(diff.changes.map((c) => [c.name, c]));
    assert.equal(byName.pw.op, "replace");
    assert.equal(byName.s.op, "update");
    assert.deepEqual(byName.s.details, [
      { path: "properties", via: urn("random:index/randomPassword:RandomPassword", "pw"), secret: true },
    ]);
    assert.deepEqual(violations, []);
    // Without the property dependency the secret would look unchanged (the base cannot see a new value).
    const { diff: blind } = check(
      [pw("1"), { ...secret, propertyDependencies: {} }],
      [pw("2"), { ...secret, propertyDependencies: {} }],
    );
    assert.equal(blind.changes.length, 1);
  });
});

describe("replica-first order", () => {
  const P = "p";
  const R = "r";
  it("flags a primary scale-up that runs before its replica's, naming the rule and the Learn page", () => {
    const base = [
      server(P, "Standard_D4ds_v5", 256),
      server(R, "Standard_D4ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
    ];
    const head = [
      server(P, "Standard_D8ds_v5", 256),
      server(R, "Standard_D8ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
    ];
    const { violations, steps } = check(base, head);
    assert.deepEqual(
      steps,
      [urn(SERVER, P), urn(SERVER, R)],
      "Pulumi runs the primary first (the replica depends on it)",
    );
    assert.equal(violations.length, 1);
    assert.equal(violations[0].policy, "replica-first");
    assert.match(violations[0].message, /replica-first compute scale-up/);
    assert.match(violations[0].message, /concepts-read-replicas#scale/);
    assert.match(violations[0].message, /First scale up a replica's compute, then scale up the primary/);
  });

  it("passes when the primary's step waits for the replica's (negative control)", () => {
    const base = [
      server(P, "Standard_D4ds_v5", 256, { dependsOn: [urn(SERVER, R)] }),
      server(R, "Standard_D4ds_v5", 256, {}, P),
    ];
    const head = [
      server(P, "Standard_D8ds_v5", 256, { dependsOn: [urn(SERVER, R)] }),
      server(R, "Standard_D8ds_v5", 256, {}, P),
    ];
    const { violations, steps } = check(base, head);
    assert.deepEqual(steps, [urn(SERVER, R), urn(SERVER, P)]);
    assert.deepEqual(violations, []);
  });

  it("passes when the replicas were raised in an earlier deployment", () => {
    const base = [
      server(P, "Standard_D4ds_v5", 256),
      server(R, "Standard_D8ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
    ];
    const head = [
      server(P, "Standard_D8ds_v5", 256),
      server(R, "Standard_D8ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
    ];
    assert.deepEqual(check(base, head).violations, []);
  });

  it("storage: a grow is an update checked like compute; a shrink is refused", () => {
    const base = [
      server(P, "Standard_D4ds_v5", 256),
      server(R, "Standard_D4ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
    ];
    const grow = check(base, [
      server(P, "Standard_D4ds_v5", 512),
      server(R, "Standard_D4ds_v5", 512, { dependsOn: [urn(SERVER, P)] }, P),
    ]);
    assert.equal(grow.diff.changes[0].op, "update");
    assert.deepEqual(
      grow.violations.map((v) => v.policy),
      ["replica-first"],
    );
    assert.match(grow.violations[0].message, /replica-first storage scale-up/);
    const shrink = check(base, [
      server(P, "Standard_D4ds_v5", 128),
      server(R, "Standard_D4ds_v5", 128, { dependsOn: [urn(SERVER, P)] }, P),
    ]);
    assert.deepEqual(
      shrink.violations.map((v) => v.policy),
      ["storage-shrink", "storage-shrink"],
    );
    assert.match(shrink.violations[0].message, /You can't scale down the storage/);
  });

  it("max_connections: the primary's parameter must follow the replica's", () => {
    const mk = (pv: string, rv: string, primaryWaits: boolean) => [
      server(P, "Standard_D4ds_v5", 256),
      server(R, "Standard_D4ds_v5", 256, { dependsOn: [urn(SERVER, P)] }, P),
      config(
        P,
        "max_connections",
        pv,
        primaryWaits ? { dependsOn: [urn("azure-native:dbforpostgresql:Configuration", `${R}-max_connections`)] } : {},
      ),
      config(
        R,
        "max_connections",
        rv,
        primaryWaits ? {} : { dependsOn: [urn("azure-native:dbforpostgresql:Configuration", `${P}-max_connections`)] },
      ),
    ];
    const wrong = check(mk("100", "100", false), mk("200", "200", false)).violations.filter(
      (v) => v.policy === "replica-first",
    );
    assert.equal(wrong.length, 1);
    assert.match(wrong[0].message, /how-to-create-read-replica/);
    const right = check(mk("100", "100", true), mk("200", "200", true)).violations.filter(
      (v) => v.policy === "replica-first",
    );
    assert.deepEqual(right, []);
  });
});

describe("restarts", () => {
  const s = server("p", "Standard_D4ds_v5", 256);
  const cfgUrn = urn("azure-native:dbforpostgresql:Configuration", "p-max_connections");
  it("a static parameter change restarts its server exactly once, after the write", () => {
    const base = [s, config("p", "max_connections", "100"), restart("p", "a", { dependsOn: [cfgUrn] })];
    const head = [s, config("p", "max_connections", "200"), restart("p", "b", { dependsOn: [cfgUrn] })];
    const { diff, violations, steps } = check(base, head);
    assert.deepEqual(violations, []);
    const restarts = restartsOf(head, diff.changes);
    assert.deepEqual(
      restarts.map((r) => [r.server, r.reason]),
      [["p", "static parameter changed: max_connections"]],
    );
    assert.ok(steps.indexOf(cfgUrn) < steps.indexOf(urn("command:local:Command", "p-restart")));
  });

  it("flags a static change with no restart (negative control)", () => {
    const base = [s, config("p", "max_connections", "100"), restart("p", "a", { dependsOn: [cfgUrn] })];
    const head = [s, config("p", "max_connections", "200"), restart("p", "a", { dependsOn: [cfgUrn] })];
    assert.deepEqual(
      check(base, head).violations.map((v) => v.policy),
      ["missing-restart"],
    );
  });

  it("flags a restart that does not wait for the write", () => {
    const base = [s, config("p", "max_connections", "100"), restart("p", "a")];
    const head = [s, config("p", "max_connections", "200"), restart("p", "b")];
    assert.deepEqual(
      check(base, head).violations.map((v) => v.policy),
      ["missing-restart"],
    );
  });

  it("flags two restarts of one server", () => {
    const second = res(
      "command:local:Command",
      "p-restart-2",
      { create: RESTART_COMMAND, environment: { SERVER_NAME: "p" }, triggers: ["x"] },
      { dependsOn: [cfgUrn] },
    );
    const base = [s, config("p", "max_connections", "100"), restart("p", "a", { dependsOn: [cfgUrn] }), second];
    const head = [
      s,
      config("p", "max_connections", "200"),
      restart("p", "b", { dependsOn: [cfgUrn] }),
      { ...second, inputs: { ...second.inputs, triggers: ["y"] } },
    ];
    assert.deepEqual(
      check(base, head).violations.map((v) => v.policy),
      ["repeated-restart"],
    );
  });

  it("a dynamic parameter change restarts nothing", () => {
    const base = [s, config("p", "log_min_duration_statement", "1000")];
    const head = [s, config("p", "log_min_duration_statement", "500")];
    const { diff, violations } = check(base, head);
    assert.deepEqual(violations, []);
    assert.deepEqual(restartsOf(head, diff.changes), []);
  });
});

describe("output", () => {
  it("is deterministic and never prints a secret value", () => {
    const doc = (k: string, v: string) => ({
      project: "authdb",
      stack: "prod",
      outputs: {},
      violations: [],
      resources: [
        {
          ...res("random:index/randomPassword:RandomPassword", "pw", { keepers: { rotation: k } }),
          inputs: { keepers: { rotation: k }, length: 32 },
        },
        res(
          "azure-native:keyvault:Secret",
          "s",
          { vaultName: "v", secretName: "s", properties: { value: SECRET_PLACEHOLDER, contentType: v } },
          { propertyDependencies: { properties: [urn("random:index/randomPassword:RandomPassword", "pw")] } },
        ),
      ],
    });
    const a = buildPreview(doc("1", "x"), doc("2", "y"), { kind: "plan-json", ref: "base.json" });
    const b = buildPreview(doc("1", "x"), doc("2", "y"), { kind: "plan-json", ref: "base.json" });
    const text = previewText(a, doc("1", "x").resources, doc("2", "y").resources);
    assert.equal(text, previewText(b, doc("1", "x").resources, doc("2", "y").resources));
    assert.match(text, /~ s .*properties: computed from replaced pw \(secret, changed\)/);
    assert.match(text, /± pw .*keepers\.rotation: "1" → "2" \[create-only\]/);
    const md = previewMarkdown(a, doc("1", "x").resources, doc("2", "y").resources);
    assert.match(md, /<details><summary>stack: ~1 ±1<\/summary>/);
    assert.doesNotMatch(text + md, /MOCK-SECRET/);
  });
});
