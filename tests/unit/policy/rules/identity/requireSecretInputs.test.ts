// A4 on containers: a password in an environment variable is a violation; the path of a mounted password file is not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicies } from "../../../../../policy/evaluate.js";
import { ALL_POLICIES } from "../../../../../policy/pack.js";
import { resource } from "../../../../support/policy-fixtures.js";

const A4 = ALL_POLICIES.filter((p) => p.name === "secrets-require-secret-inputs");
const container = (envs: string[]) =>
  resource(
    "docker:index/container:Container",
    "twin-primary",
    { name: "authdb-primary", image: "postgres:15", envs },
    { stack: "local" },
  );

describe("secrets-require-secret-inputs on containers", () => {
  it("accepts *_FILE variables that point at mounted secrets", () => {
    assert.equal(A4.length, 1);
    assert.deepEqual(
      evaluatePolicies(
        [container(["POSTGRES_PASSWORD_FILE=/run/secrets/admin", "AUTHDB_SECRETS_DIR=/run/secrets", "PGDATA=/data"])],
        { environment: "local", policies: A4 },
      ),
      [],
    );
  });
  for (const env of ["POSTGRES_PASSWORD=hunter2hunter2", "JWT_SECRET=abc", "api_token=xyz"]) {
    it(`rejects a credential passed as a plain environment variable (${env.split("=")[0]})`, () => {
      const v = evaluatePolicies([container([env])], { environment: "local", policies: A4 });
      assert.equal(v.length, 1);
      assert.match(v[0].message, /envs in plain text/);
    });
  }
});
