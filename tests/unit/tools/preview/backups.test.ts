// On-demand backups before risky changes (D77), on the real prod program: a scale of the primary and a static-parameter
// restart propose `az postgres flexible-server backup create` for the primary; a tag change proposes none (negative
// control); replicas (no backups of their own) and new servers never get one.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { stringify } from "yaml";
import { type OfflineRun, readStackFile, runStackFile } from "../../../../tools/offline.js";
import { commandLine, onDemandBackupsOf } from "../../../../tools/preview/backups.js";
import { previewMarkdown, previewText } from "../../../../tools/preview/format.js";
import { buildPreview } from "../../../../tools/preview/run.js";

async function prodWith(edit: (platform: any) => void): Promise<OfflineRun> {
  const { config } = readStackFile("Pulumi.prod.yaml");
  const platform = structuredClone(config["authdb:platform"]) as any;
  edit(platform);
  const file = join(mkdtempSync(join(tmpdir(), "authdb-backups-")), "Pulumi.prod.yaml");
  writeFileSync(file, stringify({ config: { ...config, "authdb:platform": platform } }));
  return runStackFile("prod", file);
}
const preview = (base: OfflineRun, head: OfflineRun) =>
  buildPreview(
    { stack: "prod", resources: base.resources },
    { stack: "prod", resources: head.resources },
    { kind: "plan-json", ref: "base" },
  );

const PRIMARY = "phonebill-auth-postgresql-prod";

describe("on-demand backups in the change preview", () => {
  let base: OfflineRun;
  before(async () => {
    base = await runStackFile("prod");
  });

  it("a compute scale of the primary proposes one backup of the primary, with the exact command", async () => {
    const head = await prodWith((p) => {
      p.server.sku.name = "Standard_D8ds_v5";
      for (const r of p.replicas) r.sku = { name: "Standard_D8ds_v5", tier: "GeneralPurpose" };
    });
    const b = preview(base, head).backups;
    assert.equal(b.length, 1, JSON.stringify(b));
    assert.equal(b[0].server, PRIMARY);
    assert.deepEqual(b[0].reasons, ["scale: sku.name"]);
    assert.match(
      commandLine(b[0]),
      /^az postgres flexible-server backup create --resource-group rg-phonebill-prod --server-name phonebill-auth-postgresql-prod --name pre-change-[0-9a-f]{12} --only-show-errors$/,
    );
  });

  it("a static parameter change (a restart of every server) proposes a backup of the primary only", async () => {
    const head = await prodWith((p) => {
      p.server.maxConnections = 200;
      for (const r of p.replicas) r.maxConnections = 200;
    });
    const p = preview(base, head);
    assert.ok(p.restarts.length >= 3, "every server restarts");
    assert.deepEqual(
      p.backups.map((x) => x.server),
      [PRIMARY],
    );
    assert.match(p.backups[0].reasons.join(), /^restart: static parameter changed: max_connections/);
    assert.match(
      previewText(p, base.resources, head.resources),
      /On-demand backups before this change: \n {2}phonebill-auth-postgresql-prod \(restart/,
    );
    assert.match(previewMarkdown(p, base.resources, head.resources), /On-demand backups the deploy takes first/);
  });

  it("a tag change proposes none (negative control)", async () => {
    const head = await prodWith((p) => (p.tags.owner = "devops-kim"));
    const p = preview(base, head);
    assert.ok(p.changes.length > 40, "the tag change updates the tagged resources");
    assert.deepEqual(p.backups, []);
    assert.match(previewText(p, base.resources, head.resources), /On-demand backups before this change: none/);
  });

  it("a scale of a replica alone proposes none: replicas have no backups of their own", async () => {
    const head = await prodWith((p) => (p.replicas[0].sku = { name: "Standard_D8ds_v5", tier: "GeneralPurpose" }));
    const p = preview(base, head);
    assert.ok(p.changes.some((c) => c.type === "azure-native:dbforpostgresql:Server" && c.paths.includes("sku.name")));
    assert.deepEqual(p.backups, []);
  });

  it("a first deployment (servers created) proposes none", () => {
    assert.deepEqual(onDemandBackupsOf(base.resources, [], []), []);
    const created = preview({ ...base, resources: [] }, base);
    assert.deepEqual(created.backups, []);
  });
});
