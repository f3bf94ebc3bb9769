// The switchover plans: the exact az commands, their order, and a runner that stops before the promotion when a check fails.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DrStep,
  REGION_FAILURE_BUDGET,
  type SwitchoverTarget,
  checkStep,
  replicaRoleName,
  runPlan,
  shellLine,
  switchBackPlan,
  switchoverPlan,
} from "../../../infra/switchover.js";

const T: SwitchoverTarget = {
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroup: "rg-phonebill-prod",
  primary: { name: "phonebill-auth-postgresql-prod", region: "koreacentral" },
  replica: { name: "phonebill-auth-postgresql-prod-krs", region: "koreasouth" },
  virtualEndpointName: "phonebill-auth-prod",
  highAvailability: { mode: "ZoneRedundant", standbyZone: "2" },
  stamp: "20261202T1300Z",
};

const promoteOf = (steps: DrStep[]) => steps.find((s) => s.phase === "promote")!;
const flag = (argv: readonly string[], name: string) => argv[argv.indexOf(name) + 1];

describe("planned switchover", () => {
  const plan = switchoverPlan(T, "planned");

  it("promotes the Korea South replica with --promote-mode switchover --promote-option planned", () => {
    const p = promoteOf(plan);
    assert.deepEqual(p.argv.slice(0, 5), ["az", "postgres", "flexible-server", "replica", "promote"]);
    assert.equal(flag(p.argv, "--name"), T.replica.name);
    assert.equal(flag(p.argv, "--promote-mode"), "switchover");
    assert.equal(flag(p.argv, "--promote-option"), "planned");
    assert.equal(flag(p.argv, "--subscription"), T.subscriptionId, "never the ambient subscription");
    assert.ok(p.argv.includes("--yes"));
  });

  it("checks the replica's role and the reader target, and takes an on-demand backup, all before promoting", () => {
    const order = plan.map((s) => s.phase);
    const at = order.indexOf("promote");
    assert.deepEqual(order.slice(0, at), ["check", "check", "backup"]);
    assert.equal(plan[0].expect, "GeoAsyncReplica");
    assert.equal(plan[1].expect, T.replica.name);
    assert.equal(flag(plan[1].argv, "--server-name"), T.primary.name);
    const backup = plan[2];
    assert.deepEqual(backup.argv.slice(0, 5), ["az", "postgres", "flexible-server", "backup", "create"]);
    assert.equal(flag(backup.argv, "--server-name"), T.primary.name);
    assert.equal(flag(backup.argv, "--name"), "pre-switchover-20261202T1300Z");
  });

  it("verifies the swapped roles and that the reader now points at the former primary, then records the region", () => {
    const after = plan.slice(plan.indexOf(promoteOf(plan)) + 1);
    assert.deepEqual(
      after.map((s) => s.expect),
      ["Primary", "GeoAsyncReplica", T.primary.name, undefined],
    );
    assert.deepEqual(after.at(-1)!.argv, ["pulumi", "config", "set", "--path", "platform.primaryRegion", "koreasouth"]);
  });

  it("fits the plan's region-failure budget (15–30 min)", () => {
    const total = plan.filter((s) => s.phase !== "backup").reduce((n, s) => n + s.budgetSeconds, 0);
    assert.ok(total <= REGION_FAILURE_BUDGET.rtoSeconds, `${total} s`);
  });
});

describe("forced promotion (region loss)", () => {
  const plan = switchoverPlan(T, "forced");
  it("asks nothing of the lost primary: no backup, no endpoint read on it, no role check of it", () => {
    assert.equal(flag(promoteOf(plan).argv, "--promote-option"), "forced");
    assert.ok(!plan.some((s) => s.phase === "backup"));
    for (const s of plan) assert.ok(!s.argv.includes(T.primary.name), `${s.description} touches the lost primary`);
  });
  it("reads the replica's lag first: it bounds the writes lost", () => {
    assert.equal(plan[1].phase, "check");
    assert.equal(flag(plan[1].argv, "--metric"), "physical_replication_delay_in_seconds");
    assert.match(flag(plan[1].argv, "--resource"), /flexibleServers\/phonebill-auth-postgresql-prod-krs$/);
  });
});

describe("switch back", () => {
  const plan = switchBackPlan(T);
  it("promotes the original primary back (planned) and re-enables its zone-redundant HA last", () => {
    const p = promoteOf(plan);
    assert.equal(flag(p.argv, "--name"), T.primary.name);
    assert.equal(flag(p.argv, "--promote-option"), "planned");
    const ha = plan.at(-1)!;
    assert.deepEqual(ha.argv.slice(0, 4), ["az", "postgres", "flexible-server", "update"]);
    assert.equal(flag(ha.argv, "--name"), T.primary.name);
    assert.equal(flag(ha.argv, "--high-availability"), "ZoneRedundant");
    assert.equal(flag(ha.argv, "--standby-zone"), "2");
    assert.equal(plan[1].expect, T.primary.name, "the reader must target the server being promoted back");
  });
  it("without HA configured there is no HA step (negative control)", () => {
    const { highAvailability: _none, ...noHa } = T;
    assert.ok(!switchBackPlan(noHa).some((s) => s.argv.includes("--high-availability")));
  });
});

describe("running a plan", () => {
  it("stops at a failed check, before the promotion", async () => {
    const ran: string[] = [];
    const outcomes = await runPlan(switchoverPlan(T, "planned"), async (argv) => {
      ran.push(argv.join(" "));
      // The reader endpoint still points at the in-region replica: a promotion to primary would fail.
      return {
        code: 0,
        stdout: argv.includes("virtual-endpoint") ? "phonebill-auth-postgresql-prod-krc\n" : "GeoAsyncReplica\n",
      };
    });
    assert.equal(outcomes.length, 2);
    assert.match(
      outcomes[1].problem!,
      /expected phonebill-auth-postgresql-prod-krs, got phonebill-auth-postgresql-prod-krc/,
    );
    assert.ok(!ran.some((c) => c.includes("replica promote")), "the promotion must not run");
  });
  it("runs every step when each prints what it must", async () => {
    const plan = switchoverPlan(T, "planned");
    let i = 0;
    const outcomes = await runPlan(plan, async () => ({ code: 0, stdout: plan[i++].expect ?? "" }));
    assert.equal(outcomes.length, plan.length);
    assert.ok(outcomes.every((o) => o.problem === undefined));
  });
  it("stops on a non-zero exit and on a blown budget", async () => {
    const failed = await runPlan(switchoverPlan(T, "forced"), async () => ({ code: 1, stdout: "" }));
    assert.equal(failed.length, 1);
    assert.match(failed[0].problem!, /exited 1/);
    let clock = 0;
    const slow = await runPlan(
      switchoverPlan(T, "forced"),
      async () => ({ code: 0, stdout: "GeoAsyncReplica" }),
      () => (clock += 1000 * 1000),
    );
    assert.match(slow[0].problem!, /budget 30 s/);
  });
  it("checkStep and shellLine", () => {
    const step = switchoverPlan(T, "planned")[0];
    assert.equal(checkStep(step, " GeoAsyncReplica\n"), undefined);
    assert.match(checkStep(step, "")!, /got \(nothing\)/);
    assert.equal(replicaRoleName(T.primary, { name: "x", region: "koreacentral" }), "AsyncReplica");
    assert.match(shellLine(step), /--query replica.role -o tsv/);
    assert.equal(shellLine({ ...step, argv: ["echo", "a b", "it's"] }), `echo 'a b' 'it'\\''s'`);
  });
});
