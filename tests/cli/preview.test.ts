// The change preview on real stack files, as a reviewer and CI run it: what each kind of change plans, what is refused,
// exit codes, determinism, and the three kinds of base (plan JSON, stack file, git ref).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse, stringify } from "yaml";

const dir = mkdtempSync(join(tmpdir(), "authdb-preview-"));
const BASE_JSON = join(dir, "base.json");

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "tools/plan.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** prod's stack file with its platform mutated (the YAML document as written, `secure:` entries kept). */
function prodWith(file: string, mutate: (platform: any) => void): string {
  const doc = parse(readFileSync("Pulumi.prod.yaml", "utf8"));
  mutate(doc.config["authdb:platform"]);
  const path = join(dir, file);
  writeFileSync(path, stringify(doc));
  return path;
}

interface Doc {
  changes: {
    urn: string;
    type: string;
    op: string;
    paths: string[];
    forcedBy?: { path: string }[];
    protected: boolean;
  }[];
  steps: string[];
  restarts: { server: string; reason: string }[];
  violations: { policy: string; enforcement: string; message: string }[];
  resources: { urn: string; inputs: Record<string, unknown> }[];
}

function preview(file: string, base = BASE_JSON) {
  const json = join(dir, `${file}.json`);
  const md = join(dir, `${file}.md`);
  const r = plan("--stack", "prod", "--config", join(dir, file), "--base", base, "--json", json, "--markdown", md);
  return {
    ...r,
    doc: r.status === 0 || r.status === 1 ? (JSON.parse(readFileSync(json, "utf8")) as Doc) : undefined,
    md: r.status! <= 1 ? readFileSync(md, "utf8") : "",
  };
}
const name = (urn: string) => urn.split("::").pop()!;

describe("npm run plan -- --base (change preview)", () => {
  before(() => {
    const r = plan("--stack", "prod", "--json", BASE_JSON, "--quiet");
    assert.equal(r.status, 0, r.stderr);
  });

  it("identical inputs: no changes, exit 0, byte-identical output (stack file base, two programs in parallel)", () => {
    const a = plan(
      "--stack",
      "prod",
      "--base",
      "Pulumi.prod.yaml",
      "--json",
      join(dir, "same-a.json"),
      "--markdown",
      join(dir, "same-a.md"),
    );
    const b = plan(
      "--stack",
      "prod",
      "--base",
      "Pulumi.prod.yaml",
      "--json",
      join(dir, "same-b.json"),
      "--markdown",
      join(dir, "same-b.md"),
    );
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /No changes\./);
    assert.match(a.stdout, /\+ 0 to create, ~ 0 to update, ± 0 to replace, - 0 to delete/);
    assert.equal(a.stdout, b.stdout);
    assert.equal(readFileSync(join(dir, "same-a.json"), "utf8"), readFileSync(join(dir, "same-b.json"), "utf8"));
    assert.equal(readFileSync(join(dir, "same-a.md"), "utf8"), readFileSync(join(dir, "same-b.md"), "utf8"));
    const doc = JSON.parse(readFileSync(join(dir, "same-a.json"), "utf8")) as Doc;
    assert.deepEqual(doc.changes, []);
    assert.deepEqual(doc.steps, []);
  });

  it("a tag change is an update of exactly the tagged resources", () => {
    const r = preview(
      prodWith("tag.yaml", (p) => (p.tags.owner = "devops-kim"))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 0, r.stderr);
    const tagged = r
      .doc!.resources.filter((x) => x.inputs.tags)
      .map((x) => x.urn)
      .sort();
    assert.ok(tagged.length > 10);
    assert.deepEqual(r.doc!.changes.map((c) => c.urn).sort(), tagged);
    for (const c of r.doc!.changes) {
      assert.equal(c.op, "update", name(c.urn));
      assert.deepEqual(c.paths, ["tags.owner"], name(c.urn));
    }
  });

  it("a database collation change is a refused replacement naming collation (exit 1)", () => {
    const r = preview(
      prodWith("collation.yaml", (p) => (p.database.collation = "C.utf8"))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 1, r.stderr);
    const db = r.doc!.changes.find((c) => c.type === "azure-native:dbforpostgresql:Database")!;
    assert.equal(db.op, "replace");
    assert.deepEqual(
      db.forcedBy!.map((f) => f.path),
      ["collation"],
    );
    const v = r.doc!.violations.filter((x) => x.policy === "protected-replacement");
    assert.equal(v.length, 1);
    assert.equal(v[0].enforcement, "mandatory");
    assert.match(v[0].message, /postgres-database .* `collation` is create-only/);
    assert.match(r.stdout, /± postgres-database .*collation: "ko_KR\.utf8" → "C\.utf8" \[create-only\]/);
    assert.match(r.md, /`protected-replacement`/);
  });

  it("a create-only server input (administrator login) is a refused replacement of the server", () => {
    const r = preview(
      prodWith("login.yaml", (p) => (p.server.administratorLogin = "pb_admin"))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 1, r.stderr);
    assert.ok(
      r.doc!.violations.some(
        (v) => v.policy === "protected-replacement" && /postgres-primary .*`administratorLogin`/.test(v.message),
      ),
    );
  });

  it("a D4ds_v5 → D8ds_v5 scale-up in one step is refused with the two-step procedure; the two steps pass", () => {
    const one = preview(
      prodWith("scale.yaml", (p) => (p.server.sku.name = "Standard_D8ds_v5"))
        .split("/")
        .pop()!,
    );
    assert.equal(one.status, 1, one.stderr);
    const servers = one.doc!.steps.filter((u) => u.includes("dbforpostgresql:Server::"));
    assert.equal(name(servers[0]), "postgres-primary", "Pulumi would update the primary first");
    const v = one.doc!.violations.filter((x) => x.policy === "replica-first");
    assert.equal(v.length, 2, "one per replica");
    for (const x of v) {
      assert.match(x.message, /concepts-read-replicas#scale/);
      assert.match(x.message, /two deployments: 1\) set the new value on every replica/);
    }
    const step1 = prodWith("step1.yaml", (p) => {
      for (const r of p.replicas) r.sku = { name: "Standard_D8ds_v5", tier: "GeneralPurpose" };
    });
    const s1 = preview("step1.yaml");
    assert.equal(s1.status, 0, s1.stdout + s1.stderr);
    assert.deepEqual(s1.doc!.changes.map((c) => name(c.urn)).sort(), [
      "postgres-replica-phonebill-auth-postgresql-prod-krc",
      "postgres-replica-phonebill-auth-postgresql-prod-krs",
    ]);
    prodWith("step2.yaml", (p) => {
      for (const r of p.replicas) r.sku = { name: "Standard_D8ds_v5", tier: "GeneralPurpose" };
      p.server.sku.name = "Standard_D8ds_v5";
    });
    const s2 = preview("step2.yaml", step1);
    assert.equal(s2.status, 0, s2.stdout + s2.stderr);
    assert.deepEqual(
      s2.doc!.changes.map((c) => name(c.urn)),
      ["postgres-primary"],
    );
  });

  it("a static-parameter change restarts each server it touches exactly once, after the write", () => {
    const r = preview(
      prodWith("maxconn.yaml", (p) => p.replicas.forEach((x: any) => (x.maxConnections = 200)))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(r.doc!.restarts.map((x) => [x.server, x.reason]).sort(), [
      ["phonebill-auth-postgresql-prod-krc", "static parameter changed: max_connections"],
      ["phonebill-auth-postgresql-prod-krs", "static parameter changed: max_connections"],
    ]);
    for (const s of ["krc", "krs"]) {
      const cfg = r.doc!.steps.findIndex((u) => u.endsWith(`prod-${s}-param-max_connections`));
      const restart = r.doc!.steps.findIndex((u) => u.endsWith(`prod-${s}-restart`));
      assert.ok(cfg >= 0 && restart > cfg, `${s}: restart after the parameter write`);
    }
    assert.match(r.stdout, /Restarts: \n {2}phonebill-auth-postgresql-prod-krc: 1 time/);
  });

  it("raising max_connections on the primary first is refused (replica-first parameters)", () => {
    const r = preview(
      prodWith("maxconn-primary.yaml", (p) => (p.server.maxConnections = 200))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 1);
    assert.ok(
      r.doc!.violations.some((v) => v.policy === "replica-first" && /how-to-create-read-replica/.test(v.message)),
    );
  });

  it("rotating passwords updates generators, vault secrets and the admin password in place; nothing stateful is replaced", () => {
    const r = preview(
      prodWith("rotate.yaml", (p) => (p.passwords.rotation = "2027-02"))
        .split("/")
        .pop()!,
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const byType = (t: string) => r.doc!.changes.filter((c) => c.type === t);
    assert.ok(byType("random:index/randomPassword:RandomPassword").every((c) => c.op === "replace"));
    assert.ok(byType("random:index/randomPassword:RandomPassword").length >= 3);
    const secrets = byType("azure-native:keyvault:Secret");
    assert.ok(secrets.length >= 3 && secrets.every((c) => c.op === "update"));
    const primary = r.doc!.changes.find((c) => name(c.urn) === "postgres-primary")!;
    assert.deepEqual([primary.op, primary.paths], ["update", ["administratorLoginPassword"]]);
    assert.match(
      r.stdout,
      /administratorLoginPassword: computed from replaced passwords-administrator \(secret, changed\)/,
    );
    assert.deepEqual(
      r.doc!.changes.filter((c) => c.protected && c.op === "replace"),
      [],
    );
    assert.doesNotMatch(r.stdout + r.md + readFileSync(join(dir, "rotate.yaml.json"), "utf8"), /MOCK-SECRET/);
  });

  it("a git ref as base: the program and stack file at that ref, from a temporary worktree", () => {
    const r = plan("--stack", "prod", "--base", "HEAD", "--quiet", "--json", join(dir, "ref.json"));
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(dir, "ref.json"), "utf8"));
    assert.deepEqual(doc.base, { kind: "git-ref", ref: "HEAD" });
    const list = spawnSync("git", ["worktree", "list"], { encoding: "utf8" }).stdout;
    assert.doesNotMatch(list, /authdb-base-ref-/, "the temporary worktree is removed");
  });

  it("bad input exits 2 and says which side", () => {
    const bogus = plan("--stack", "prod", "--base", "no-such-file-or-ref");
    assert.equal(bogus.status, 2);
    assert.match(bogus.stderr, /--base no-such-file-or-ref: neither a file .* nor a git ref/);
    const badBase = prodWith("bad.yaml", (p) => (p.server.sku.name = "Standard_Q99"));
    const b = plan("--stack", "prod", "--base", badBase);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /^base \(/);
    assert.match(b.stderr, /platform\.server\.sku/);
    const h = plan("--stack", "prod", "--config", badBase, "--base", BASE_JSON);
    assert.equal(h.status, 2);
    assert.match(h.stderr, /^head [^\n]*bad\.yaml: invalid platform config[\s\S]*platform\.server\.sku\.name/);
    const notPlan = join(dir, "not-a-plan.json");
    writeFileSync(notPlan, "{}");
    assert.equal(plan("--stack", "prod", "--base", notPlan).status, 2);
  });
});
