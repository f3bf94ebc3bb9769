/**
 * The Passwords component (infra/passwords.ts) under mocks with the prod stack's policy: generator arguments (length,
 * class minima, connection-string-safe specials), keepers that follow the rotation stamp, and secret values.
 *
 * Two offline runs in this file, one after the other (the prod stamp, then a later one): setMocks is process-global, so
 * each run's resources are captured and its outputs resolved before the next run starts.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MIN_PASSWORD_LENGTH } from "../../../../infra/config/rules.js";
import { CONNECTION_STRING_SAFE_SPECIALS, Passwords } from "../../../../infra/secrets/passwords.js";
import { PASSWORD_ROLES, type PasswordRole } from "../../../../infra/types.js";
import { type CapturedResource, MOCK_SECRET_MARKER, runOffline } from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");

interface Observed {
  readonly generators: CapturedResource[];
  readonly secretness: Record<PasswordRole, boolean>;
  readonly values: Record<PasswordRole, string>;
}

async function observe(rotation: string): Promise<Observed> {
  let passwords!: Passwords;
  const run = await runOffline({
    stack: "prod",
    config: {},
    program: async () => {
      passwords = new Passwords("passwords", { policy: { ...platform.passwords, rotation } });
      return {};
    },
  });
  const secretness = {} as Record<PasswordRole, boolean>;
  const values = {} as Record<PasswordRole, string>;
  for (const role of PASSWORD_ROLES) {
    secretness[role] = await pulumi.isSecret(passwords.values[role]);
    values[role] = await new Promise<string>((resolve) => passwords.values[role].apply(resolve));
  }
  return {
    generators: run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword"),
    secretness,
    values,
  };
}

let current: Observed;
let next: Observed;

describe("Passwords (prod policy, under mocks)", () => {
  before(async () => {
    current = await observe(platform.passwords.rotation);
    next = await observe("2027-02");
  });
  it("generates one password per role", () => {
    assert.deepEqual(current.generators.map((g) => g.name).sort(), [
      "passwords-administrator",
      "passwords-application",
      "passwords-monitoring",
    ]);
  });

  it("asks for at least 24 characters with every class required", () => {
    for (const g of current.generators) {
      assert.ok((g.inputs.length as number) >= MIN_PASSWORD_LENGTH, `${g.name}: length ${g.inputs.length}`);
      assert.equal(g.inputs.length, 32);
      for (const cls of ["upper", "lower", "numeric", "special"]) assert.equal(g.inputs[cls], true, `${g.name}.${cls}`);
      for (const min of ["minUpper", "minLower", "minNumeric", "minSpecial"]) {
        assert.ok((g.inputs[min] as number) >= 1, `${g.name}.${min}`);
        assert.equal(g.inputs[min], 2, `${g.name}.${min} comes from the stack config`);
      }
    }
  });

  it("draws specials only from characters that need no quoting in connection strings, URLs or shells", () => {
    const unsafe = [..." '\"`\\@:/?#%&=$;<>|{}[]()"];
    for (const g of current.generators) {
      const specials = g.inputs.overrideSpecial as string;
      assert.equal(specials, CONNECTION_STRING_SAFE_SPECIALS);
      assert.ok(specials.length >= 4, "enough specials to keep entropy");
      for (const ch of unsafe) assert.ok(!specials.includes(ch), `${g.name}: special ${JSON.stringify(ch)} is unsafe`);
    }
  });

  it("keys every generator on the rotation stamp", () => {
    for (const g of current.generators) assert.deepEqual(g.inputs.keepers, { rotation: "2026-11" });
  });

  it("changes the keepers of every generator when the rotation stamp changes (a new password on the next up)", () => {
    for (const role of PASSWORD_ROLES) {
      const before = current.generators.find((g) => g.name === `passwords-${role}`)!;
      const after = next.generators.find((g) => g.name === `passwords-${role}`)!;
      assert.notDeepEqual(before.inputs.keepers, after.inputs.keepers, role);
      assert.deepEqual(after.inputs.keepers, { rotation: "2027-02" });
      const { keepers: _k1, ...restBefore } = before.inputs;
      const { keepers: _k2, ...restAfter } = after.inputs;
      assert.deepEqual(restAfter, restBefore, "only the keepers differ, so the rotation is the only reason to replace");
    }
  });

  it("hands out every value as a Pulumi secret, also under mocks", () => {
    for (const role of PASSWORD_ROLES) {
      assert.equal(current.secretness[role], true, role);
      assert.equal(
        current.values[role],
        `${MOCK_SECRET_MARKER}passwords-${role}`,
        "the generator's result, not a stand-in",
      );
    }
  });
});
