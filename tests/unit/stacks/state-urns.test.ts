/**
 * Every resource a deployed stack holds keeps its URN, or the resource that replaces it names that URN in `aliases`:
 * a changed URN without an alias makes Pulumi delete the old resource and create a new one — for the servers, the
 * database and the vault, a replacement of the production data. The recorded URNs (state-urns.json) are the prod and
 * dev stacks as committed; `AUTHDB_RECORD_URNS=1` rewrites the file after a deliberate removal.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type CapturedResource, type OfflineRun, runStackFile } from "../../../tools/offline.js";

const RECORD = new URL("./state-urns.json", import.meta.url);
const STACKS = ["prod", "dev"] as const;

/**
 * Every URN a resource answers to: its own, its aliases, and — as the engine derives them for a child whose parent has
 * aliases — its own type and name under each of its parent's former URNs.
 */
function knownUrns(resources: readonly CapturedResource[]): Set<string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string[]>();
  const of = (r: CapturedResource): string[] => {
    const cached = memo.get(r.urn);
    if (cached) return cached;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const viaParent = parent
      ? of(parent)
          .filter((p) => p !== parent.urn && !p.includes("::pulumi:pulumi:Stack::"))
          .map((p) => {
            const [prefix, , parentType] = p.split("::");
            return `${prefix}::${p.split("::")[1]}::${parentType}$${r.type}::${r.name}`;
          })
      : [];
    const all = [r.urn, ...r.aliasUrns, ...viaParent];
    memo.set(r.urn, all);
    return all;
  };
  return new Set(resources.flatMap(of));
}

/** Recorded URNs that no resource of the run answers to. */
function unaccountedUrns(recorded: readonly string[], resources: readonly CapturedResource[]): string[] {
  const known = new Set([...knownUrns(resources)].map(engineUrn));
  return recorded.filter((urn) => !known.has(engineUrn(urn)));
}

/**
 * Pulumi's mock monitor writes the stack's own type into the URN of the stack's direct children
 * (`pulumi:pulumi:Stack$authdb:azure:Network`), the engine does not; both sides are compared in the engine's form.
 */
const engineUrn = (urn: string) => urn.replace("::pulumi:pulumi:Stack$", "::");

/**
 * Recorded URNs the engine would not find, computing URNs as the engine does (full parent type chain): `recovered` with
 * the run's aliases (must be empty), `lost` with every alias removed (the negative control).
 */
function engineView(recorded: readonly string[], resources: readonly CapturedResource[]) {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const prefix = (urn: string) => urn.split("::").slice(0, 2).join("::");
  const chain = (r: CapturedResource): string => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    return parent && parent.type !== "pulumi:pulumi:Stack" ? `${chain(parent)}$${r.type}` : r.type;
  };
  const known = (withAliases: boolean) => {
    const memo = new Map<string, string[]>();
    const of = (r: CapturedResource): string[] => {
      const hit = memo.get(r.urn);
      if (hit) return hit;
      const own = `${prefix(r.urn)}::${chain(r)}::${r.name}`;
      const parent = r.parent ? byUrn.get(r.parent) : undefined;
      const viaParent =
        parent && parent.type !== "pulumi:pulumi:Stack"
          ? of(parent)
              .slice(1)
              .map((p) => `${prefix(p)}::${p.split("::")[2]}$${r.type}::${r.name}`)
          : [];
      const all = [own, ...(withAliases ? r.aliasUrns : []), ...viaParent];
      memo.set(r.urn, all);
      return all;
    };
    return new Set(resources.flatMap(of).map(engineUrn));
  };
  const withAliases = known(true);
  const without = known(false);
  return {
    recovered: recorded.filter((u) => !withAliases.has(engineUrn(u))),
    lost: recorded.filter((u) => !without.has(engineUrn(u))),
  };
}

const customUrns = (run: OfflineRun) =>
  run.resources
    .filter((r) => r.custom)
    .map((r) => r.urn)
    .sort();

describe("state URNs", () => {
  const runs = new Map<string, Promise<OfflineRun>>();
  const runOf = (stack: string) => {
    if (!runs.has(stack)) runs.set(stack, runStackFile(stack));
    return runs.get(stack)!;
  };

  if (process.env.AUTHDB_RECORD_URNS === "1") {
    it("records the URNs", async () => {
      const record: Record<string, string[]> = {};
      for (const stack of STACKS) record[stack] = customUrns(await runOf(stack));
      writeFileSync(RECORD, `${JSON.stringify(record, null, 2)}\n`);
    });
    return;
  }
  const recorded = JSON.parse(readFileSync(RECORD, "utf8")) as Record<string, string[]>;

  for (const stack of STACKS) {
    it(`${stack}: every recorded resource is still there, under its URN or an alias`, async () => {
      assert.deepEqual(unaccountedUrns(recorded[stack] ?? [], (await runOf(stack)).resources), []);
    });
  }

  it("the resources under the Platform component keep their stack-level URNs through its aliases, also with the engine's full type chain (D81)", async () => {
    const run = await runOf("prod");
    assert.ok(
      run.resources.some((r) => r.type === "authdb:index:Platform"),
      "the composition runs inside the Platform component",
    );
    // The mock monitor writes only the parent's last type into a URN; the engine writes the whole chain
    // (Platform$PostgresServers$Server), so a grandchild's URN changes too and must be reached through the aliases.
    const { lost, recovered } = engineView(recorded.prod ?? [], run.resources);
    assert.deepEqual(recovered, [], "every recorded URN is reached with the aliases");
    for (const stateful of ["dbforpostgresql:Server::", "keyvault:Vault::", "resources:ResourceGroup::"]) {
      assert.ok(
        lost.some((u) => u.includes(stateful)),
        `${stateful} would be replaced without the alias`,
      );
    }
  });

  it("catches a renamed component token without an alias, and accepts it with one (negative control)", async () => {
    const run = await runOf("prod");
    const servers = run.resources.filter((r) => r.urn.includes("authdb:azure:PostgresServers$"));
    assert.ok(servers.length > 0, "the prod servers sit under the PostgresServers component");
    const renamed = run.resources.map((r) => ({
      ...r,
      urn: r.urn.replace("authdb:azure:PostgresServers", "authdb:database:Servers"),
    }));
    const lost = unaccountedUrns(recorded.prod ?? [], renamed);
    assert.ok(
      lost.some((u) => u.includes("dbforpostgresql:Server::")),
      lost.join("\n"),
    );
    const aliased = run.resources.map((r) => ({
      ...r,
      urn: r.urn.replace("authdb:azure:PostgresServers", "authdb:database:Servers"),
      aliasUrns: r.urn.includes("authdb:azure:PostgresServers") ? [r.urn, ...r.aliasUrns] : r.aliasUrns,
    }));
    assert.deepEqual(unaccountedUrns(recorded.prod ?? [], aliased), []);
    // The usual fix: only the component names its former token; its children inherit the alias, as the engine does.
    const component = run.resources.find((r) => r.type === "authdb:azure:PostgresServers")!;
    const newComponentUrn = component.urn.replace("authdb:azure:PostgresServers", "authdb:database:Servers");
    const inherited = renamed.map((r) =>
      r.urn === newComponentUrn
        ? { ...r, aliasUrns: [component.urn, ...component.aliasUrns] }
        : { ...r, parent: r.parent?.replace("authdb:azure:PostgresServers", "authdb:database:Servers") ?? null },
    );
    assert.deepEqual(unaccountedUrns(recorded.prod ?? [], inherited), []);
  });

  it("resolves an alias spec the way the engine does (parent type chain, defaults)", async () => {
    const { aliasUrnsOf } = await import("../../../tools/offline.js");
    const spec = (s: Partial<Record<string, string | boolean>>) => ({
      getName: () => (s.name as string) ?? "",
      getType: () => (s.type as string) ?? "",
      getStack: () => "",
      getProject: () => "",
      getParenturn: () => (s.parent as string) ?? "",
      getNoparent: () => Boolean(s.noParent),
    });
    const req = (aliases: ReturnType<typeof spec>[]) => ({
      getType: () => "azure-native:dbforpostgresql:Server",
      getName: () => "postgres-primary",
      getParent: () => "urn:pulumi:prod::authdb::authdb:index:Platform::prod",
      getAliasesList: () => aliases.map((a) => ({ getUrn: () => "", getSpec: () => a })),
    });
    assert.deepEqual(
      aliasUrnsOf(
        req([
          spec({ parent: "urn:pulumi:prod::authdb::authdb:azure:PostgresServers::postgres" }),
          spec({ noParent: true }),
        ]),
        { project: "authdb", stack: "prod" },
      ),
      [
        "urn:pulumi:prod::authdb::authdb:azure:PostgresServers$azure-native:dbforpostgresql:Server::postgres-primary",
        "urn:pulumi:prod::authdb::azure-native:dbforpostgresql:Server::postgres-primary",
      ],
    );
  });
});
