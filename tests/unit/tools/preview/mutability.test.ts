// The mutability table classifies every input path the program sets, in every stack, and each row names its source.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runStackFile } from "../../../../tools/offline.js";
import { diffPlans } from "../../../../tools/preview/diff.js";
import { MUTABILITY, classify, leafPaths, missingRowHint } from "../../../../tools/preview/mutability.js";

process.setSourceMapsEnabled(false);

/** Every (type, path) the program registers in a stack that the table does not classify. */
function unclassified(resources: { type: string; custom: boolean; inputs: Record<string, unknown> }[]): string[] {
  const out = new Set<string>();
  for (const r of resources.filter((x) => x.custom))
    for (const path of leafPaths(r.inputs)) if (!classify(r.type, path)) out.add(`${r.type} ${path}`);
  return [...out].sort();
}

describe("mutability table", () => {
  const stacks: Record<string, Awaited<ReturnType<typeof runStackFile>>> = {};
  before(async () => {
    for (const s of ["prod", "dev", "local"]) stacks[s] = await runStackFile(s);
  });

  for (const s of ["prod", "dev", "local"]) {
    it(`classifies every input path the ${s} stack sets`, () => {
      const missing = unclassified(stacks[s].resources);
      assert.deepEqual(
        missing,
        [],
        `unclassified input paths — for each: ${missing.map((m) => missingRowHint(m.split(" ")[0], m.split(" ")[1])).join("\n")}`,
      );
    });
  }

  it("fails for a path no row covers, naming the row to add (negative control)", () => {
    const fake = [
      {
        type: "azure-native:dbforpostgresql:Server",
        custom: true,
        inputs: { serverName: "x", dataEncryption: { type: "SystemManaged" } },
      },
    ];
    assert.deepEqual(unclassified(fake), ["azure-native:dbforpostgresql:Server dataEncryption.type"]);
    assert.match(
      missingRowHint("azure-native:dbforpostgresql:Server", "dataEncryption.type"),
      /add to tools\/preview\/mutability\.ts a row \{ type: "azure-native:dbforpostgresql:Server", path: "dataEncryption"/,
    );
    const unknownType = [{ type: "azure-native:storage:StorageAccount", custom: true, inputs: { accountName: "v" } }];
    assert.deepEqual(unclassified(unknownType), ["azure-native:storage:StorageAccount accountName"]);
  });

  it("a changed unclassified path is reported by the diff, not guessed", () => {
    const r = (value: string) => ({
      urn: "urn:pulumi:prod::authdb::x$azure-native:dbforpostgresql:Server::s",
      type: "azure-native:dbforpostgresql:Server",
      name: "s",
      parent: null,
      dependsOn: [],
      protect: true,
      ignoreChanges: [],
      inputs: { serverName: "s", dataEncryption: { type: value } },
    });
    const d = diffPlans([r("SystemManaged")], [r("AzureKeyVault")]);
    assert.deepEqual(d.unclassified, [{ urn: r("").urn, type: r("").type, path: "dataEncryption.type" }]);
  });

  it("every row has a source with a reference and a quote", () => {
    for (const row of MUTABILITY) {
      assert.ok(row.source.ref.length > 10, `${row.type} ${row.path}: source ref`);
      assert.ok(row.source.quote.length > 10, `${row.type} ${row.path}: source quote`);
    }
  });

  it("the server's create-only inputs come from the REST spec's x-ms-mutability", () => {
    for (const path of [
      "administratorLogin",
      "availabilityZone",
      "sourceServerResourceId",
      "backup.geoRedundantBackup",
    ]) {
      const row = classify("azure-native:dbforpostgresql:Server", path)!;
      assert.equal(row.mutability, "create-only", path);
      assert.match(row.source.ref, /Servers\.json#\/definitions\//);
      assert.match(row.source.quote, /"x-ms-mutability": \["create", "read"\]/);
    }
    for (const path of ["sku.name", "storage.storageSizeGB", "version", "backup.backupRetentionDays", "tags.owner"])
      assert.equal(classify("azure-native:dbforpostgresql:Server", path)!.mutability, "updatable", path);
    assert.equal(classify("azure-native:dbforpostgresql:Server", "location")!.mutability, "create-only");
    assert.equal(classify("azure-native:dbforpostgresql:Database", "collation")!.mutability, "create-only");
    assert.equal(
      classify("azure-native:network:NetworkSecurityGroup", "securityRules[3].priority")!.mutability,
      "updatable",
    );
    assert.equal(
      classify("kubernetes:batch/v1:Job", "spec.template.spec.containers[0].image")!.mutability,
      "create-only",
    );
    assert.equal(classify("kubernetes:batch/v1:Job", "spec.backoffLimit")!.mutability, "updatable");
  });
});
