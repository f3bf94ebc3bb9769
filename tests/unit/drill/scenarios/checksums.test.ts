/** Per-table checksums: the statement orders by the key (or the row text), and any differing table is reported. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checksumDifferences, checksumSql, quoteIdent } from "../../../../drill/scenarios/checksums.js";

test("checksumSql orders by the primary-key columns, quoted, or by the row text without a key", () => {
  assert.equal(
    checksumSql("public", "t", ["a", 'we"ird']),
    `SELECT count(*)::bigint AS rows, coalesce(md5(string_agg(t::text, ',' ORDER BY t."a", t."we""ird")), '') AS md5 FROM "public"."t" t`,
  );
  assert.match(checksumSql("s", "history", []), /ORDER BY t::text\)\), ''\) AS md5 FROM "s"."history" t$/);
  assert.equal(quoteIdent('a"b'), '"a""b"');
});

test("equal checksums give no difference", () => {
  const a = { "public.t": { rows: 2, md5: "x" }, "public.e": { rows: 0, md5: "" } };
  assert.deepEqual(checksumDifferences(a, structuredClone(a)), []);
});

test("negative control: a changed md5, row count, or a missing or extra table is reported", () => {
  const src = { "public.t": { rows: 2, md5: "x" }, "public.u": { rows: 1, md5: "y" } };
  assert.deepEqual(checksumDifferences(src, { "public.t": { rows: 2, md5: "z" }, "public.u": { rows: 1, md5: "y" } }), [
    "public.t: 2 rows md5 x vs 2 rows md5 z",
  ]);
  assert.equal(checksumDifferences(src, { "public.t": { rows: 3, md5: "x" }, "public.u": src["public.u"] }).length, 1);
  assert.deepEqual(checksumDifferences(src, { "public.t": src["public.t"] }), ["public.u: missing from the restore"]);
  assert.deepEqual(checksumDifferences({ "public.t": src["public.t"] }, src), ["public.u: only in the restore"]);
});
