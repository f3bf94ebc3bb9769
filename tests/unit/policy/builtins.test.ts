/**
 * docs/policies.md "Microsoft's built-in definitions" against the pack: the table names real rules with their catalogue
 * rows, the rules cite the definitions they implement (`AP <id>`) and every such citation has a row, the verdict cells
 * use the documented vocabulary with their notes and sources defined, and no finding of the pack on the prod plan
 * contradicts a "compliant" cell (every finding is explained by a "non-compliant" one).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { evaluatePolicies } from "../../../policy/evaluate.js";
import { ALL_POLICIES } from "../../../policy/pack.js";
import { runStackFile } from "../../../tools/offline.js";

const SECTION = "## Microsoft's built-in definitions";
const HEADER = ["GUID", "Definition", "Effect", "What it checks", "Pack rule", "primary", "krs", "krc", "vault"];
const SERVER_COLUMNS = ["primary", "krs", "krc"] as const;
type Column = (typeof SERVER_COLUMNS)[number] | "vault";

/** An Azure Policy id as the pack cites it: the GUID's first 8 hex digits, or the whole GUID where those collide. */
const ID = /^([0-9a-f]{8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const AP_SOURCE = /^AP ([0-9a-f][0-9a-f-]*)/;
const VERDICT = /^(compliant\b|non-compliant: \S|exempt: \S|not applicable: \S|unsettled: \S|—$)/;

interface Row {
  readonly id: string;
  readonly cells: Readonly<Record<string, string>>;
  /** Rules of the "Pack rule" cell: name and catalogue row. */
  readonly rules: readonly { readonly name: string; readonly catalogueId: string }[];
}

function section(doc: string): string {
  const start = doc.indexOf(`\n${SECTION}\n`);
  assert.ok(start >= 0, `docs/policies.md has no "${SECTION}" section`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

const cellsOf = (line: string) =>
  line
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(" | ")
    .map((c) => c.trim());

function builtinTable(doc: string): { header: string[]; rows: Row[]; text: string } {
  const text = section(doc);
  const lines = text.split("\n");
  const headerLine = lines.find((l) => l.startsWith("| GUID |"));
  assert.ok(headerLine, "the built-in section has no table header");
  const header = cellsOf(headerLine);
  const rows = lines
    .filter((l) => l.startsWith("| `"))
    .map((line) => {
      const cells = cellsOf(line);
      assert.equal(cells.length, header.length, `row has ${cells.length} cells, not ${header.length}: ${line}`);
      const byName = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
      const id = /^`([^`]+)`$/.exec(byName.GUID)?.[1] ?? byName.GUID;
      const ruleCell = byName["Pack rule"];
      const rules = [...ruleCell.matchAll(/`([a-z0-9-]+)` \(([A-Z]\d)\)/g)].map((m) => ({
        name: m[1],
        catalogueId: m[2],
      }));
      const rest = ruleCell.replace(/`([a-z0-9-]+)` \(([A-Z]\d)\)/g, "").replace(/,\s*/g, "");
      assert.ok(
        (rules.length > 0 && rest === "") || ruleCell === "—",
        `row ${id}: the Pack rule cell is "—" or a list of \`rule\` (ID): ${ruleCell}`,
      );
      return { id, cells: byName, rules };
    });
  return { header, rows, text };
}

const doc = () => readFileSync("docs/policies.md", "utf8");

function apIds(): { policy: string; id: string }[] {
  return ALL_POLICIES.flatMap((p) =>
    p.meta.sources.flatMap((s) => {
      const m = AP_SOURCE.exec(s);
      return m ? [{ policy: p.name, id: m[1] }] : [];
    }),
  );
}

describe("docs/policies.md built-in definitions table and the pack", () => {
  it("has the documented columns, one row per definition id, ids unambiguous", () => {
    const { header, rows } = builtinTable(doc());
    assert.deepEqual(header, HEADER);
    assert.ok(rows.length > 0);
    const ids = rows.map((r) => r.id);
    for (const id of ids) assert.match(id, ID, `row id ${id}`);
    assert.equal(new Set(ids).size, ids.length, "row ids are unique");
    // A short id must not be the prefix of another row's GUID: where two GUIDs share 8 digits both rows give the whole GUID.
    for (const id of ids.filter((i) => i.length === 8)) {
      assert.ok(!ids.some((o) => o !== id && o.startsWith(id)), `short id ${id} is ambiguous`);
    }
    for (const r of rows) assert.match(r.cells.Definition, /`[^`]+\.json`/, `row ${r.id} names its definition file`);
  });

  it("every rule named in the table exists with that catalogue row and cites the row's definition", () => {
    const { rows } = builtinTable(doc());
    for (const row of rows) {
      for (const named of row.rules) {
        const policy = ALL_POLICIES.find((p) => p.name === named.name);
        assert.ok(policy, `row ${row.id} names ${named.name}, which is not in ALL_POLICIES`);
        assert.equal(policy.meta.catalogueId, named.catalogueId, `row ${row.id}: ${named.name}'s catalogue row`);
        assert.ok(
          policy.meta.sources.some((s) => AP_SOURCE.exec(s)?.[1] === row.id),
          `row ${row.id} names ${named.name}, whose meta.sources lack "AP ${row.id}"`,
        );
      }
    }
  });

  it("every Azure Policy id a rule cites (AP …) is a row of the table", () => {
    const ids = new Set(builtinTable(doc()).rows.map((r) => r.id));
    const cited = apIds();
    assert.ok(cited.length > 0);
    for (const { policy, id } of cited) assert.ok(ids.has(id), `${policy} cites AP ${id}, which has no row`);
  });

  it("verdict cells use the vocabulary, per server or for the vault, with their notes and sources defined", () => {
    const { rows, text } = builtinTable(doc());
    for (const row of rows) {
      const servers = SERVER_COLUMNS.map((c) => row.cells[c]);
      const vault = row.cells.vault;
      for (const [column, cell] of [...SERVER_COLUMNS.map((c) => [c, row.cells[c]]), ["vault", vault]]) {
        assert.match(cell, VERDICT, `row ${row.id}, ${column}: "${cell}"`);
      }
      const serverRow = servers.every((c) => c !== "—") && vault === "—";
      const vaultRow = servers.every((c) => c === "—") && vault !== "—";
      assert.ok(serverRow || vaultRow, `row ${row.id} judges every server or the vault, not a mix`);
    }
    const table = rows.map((r) => Object.values(r.cells).join(" ")).join("\n");
    for (const [, note] of table.matchAll(/\(note ([a-z])\)/g)) {
      assert.ok(text.includes(`\n- **${note}** — `), `note ${note} is referenced but not defined`);
    }
    for (const [source] of text.matchAll(/\[S\d+\]/g)) {
      assert.ok(text.includes(`\n- **${source}** `), `${source} is referenced but not defined`);
    }
  });

  it("no finding of the pack on the prod plan contradicts the table: each lands on a non-compliant cell", async () => {
    const { rows } = builtinTable(doc());
    const platform = parse(readFileSync("Pulumi.prod.yaml", "utf8")).config["authdb:platform"];
    const primary: string = platform.server.name;
    const columnOfServer = (serverName: string): Column => {
      const column = serverName === primary ? "primary" : serverName.slice(primary.length + 1);
      assert.ok((SERVER_COLUMNS as readonly string[]).includes(column), `server ${serverName} has no column`);
      return column as Column;
    };
    const run = await runStackFile("prod");
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const cited = new Set(apIds().map((c) => c.policy));
    const findings = evaluatePolicies(run.resources, { environment: "prod" }).filter((v) => cited.has(v.policy));
    for (const v of findings) {
      const r = byUrn.get(v.urn);
      const serverName = r?.type === "azure-native:dbforpostgresql:Server" ? r.rawInputs.serverName : undefined;
      // Servers have a column each; the vault, its secrets and its private endpoint share the vault column.
      const column: Column = typeof serverName === "string" ? columnOfServer(serverName) : "vault";
      const naming = rows.filter((row) => row.rules.some((n) => n.name === v.policy));
      const claimsCompliance = naming.filter((row) => row.cells[column].startsWith("compliant"));
      assert.deepEqual(
        claimsCompliance.map((row) => row.id),
        [],
        `${v.policy} reports ${column} on prod, but these rows say compliant: ${v.message}`,
      );
      assert.ok(
        naming.some((row) => row.cells[column].startsWith("non-compliant")),
        `${v.policy} reports ${column} on prod and no row naming it says non-compliant there: ${v.message}`,
      );
    }
  });
});
