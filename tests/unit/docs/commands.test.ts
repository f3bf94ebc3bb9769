// The commands the docs tell people to run put no secret on a command line, in an environment literal of a pod, or in a
// psql variable (R-SEC-4): a scan of every Markdown file for the patterns that do.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";

const FILES = [
  "README.md",
  ...readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** A password or token on argv, in a pod spec's env, or in a psql -v variable. */
const LEAKS: readonly [string, RegExp][] = [
  ["PGPASSWORD set in a command", /\bPGPASSWORD=/],
  ["a pod env literal", /kubectl run[^\n]*--env=/],
  ["a password in a psql variable", /-v\s+\w*(password|pw|secret)\w*=/i],
  ["a password flag with a value", /--(admin-)?password[= ]+["$]/],
  ["a Key Vault secret value on the command line", /az keyvault secret set[^\n]*--value/],
];

export function leaksIn(text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, i) => LEAKS.filter(([, re]) => re.test(line)).map(([what]) => `line ${i + 1}: ${what}`));
}

describe("commands in the docs", () => {
  for (const f of FILES) {
    it(`${f} shows no command that exposes a secret`, () => assert.deepEqual(leaksIn(readFileSync(f, "utf8")), []));
  }

  it("catches each pattern (negative controls: the commands the runbook used to show)", () => {
    for (const bad of [
      'export PGPASSWORD="$(pulumi stack output applicationPassword --show-secrets)"',
      'kubectl run x --rm -i --image=postgres:15 --env=PGPASSWORD="$PGPASSWORD" --command -- psql',
      'psql "host=$FQDN" -v app_password="$APP_PW" -f bootstrap.sql',
      'az postgres flexible-server update -g $RG -n $SRV --admin-password "$NEW"',
      'az keyvault secret set --vault-name $KV --name x --value "$NEW"',
    ]) {
      assert.ok(leaksIn(bad).length >= 1, bad);
    }
  });
});
