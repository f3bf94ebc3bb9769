/**
 * The component schema: what the checked-in schema.json holds, that a drift is caught, and that the C# example spells it
 * (D83, D84). That schema.json is what the code generates: tests/cli/schema.test.ts (it runs the TypeScript compiler).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { schemaDifferences, type SchemaLike, unknownCSharpProperties } from "../../../tools/schema.js";

const CHECKED_IN = readFileSync(new URL("../../../schema.json", import.meta.url), "utf8");
const PROGRAM_CS = readFileSync(new URL("../../../examples/csharp/Infra/Program.cs", import.meta.url), "utf8");

describe("component schema", () => {
  it("has the Platform resource with typed, documented inputs, required inputs, enums and the output contract", async () => {
    const schema = JSON.parse(CHECKED_IN);
    const platform = schema.resources["authdb:index:Platform"];
    assert.equal(platform.isComponent, true);
    assert.deepEqual(platform.requiredInputs, ["database", "environment", "kind", "passwords", "service", "tags"]);
    assert.deepEqual(platform.inputProperties.kind, { $ref: "#/types/authdb:index:PlatformKind", plain: true });
    assert.equal(platform.inputProperties.tags.type, "object");
    const server = schema.types["authdb:index:Server"];
    assert.equal(server.properties.maxConnections.type, "number");
    assert.match(server.properties.maxConnections.description, /max_connections/);
    assert.ok(server.required.includes("name") && !server.required.includes("pgBouncer"));
    assert.deepEqual(
      schema.types["authdb:index:HighAvailabilityMode"].enum.map((e: { value: string }) => e.value),
      ["Disabled", "SameZone", "ZoneRedundant"],
    );
    assert.equal(schema.types["authdb:index:Monitoring"].properties.diagnosticSettingName.type, "string");
    const { OUTPUT_CONTRACT } = await import("../../../infra/outputs.js");
    assert.deepEqual(Object.keys(platform.properties).sort(), Object.keys(OUTPUT_CONTRACT).sort());
    assert.ok(schema.language.csharp, "C# language settings present");
  });

  it("a drifted schema.json is caught, naming the path (negative control)", () => {
    const stale = JSON.parse(CHECKED_IN);
    delete stale.types["authdb:index:Server"].properties.pgBouncer;
    assert.deepEqual(schemaDifferences(stale, JSON.parse(CHECKED_IN)), [
      "$.types.authdb:index:Server.properties.pgBouncer",
    ]);
  });

  it("every property Program.cs sets exists in the schema under its C# name", () => {
    const schema = JSON.parse(CHECKED_IN) as SchemaLike;
    assert.ok(PROGRAM_CS.includes("new Inputs.ServerArgs"), "the example builds nested input types");
    assert.deepEqual(unknownCSharpProperties(PROGRAM_CS, schema), []);
  });

  it("a misspelt C# property is caught (negative control)", () => {
    const schema = JSON.parse(CHECKED_IN) as SchemaLike;
    const typo = PROGRAM_CS.replace("MaxConnections =", "MaxConnection =").replace("SizeGB =", "SizeGb =");
    assert.deepEqual(unknownCSharpProperties(typo, schema).sort(), [
      "Inputs.ServerArgs.MaxConnection",
      "Inputs.StorageArgs.SizeGb",
    ]);
  });
});
