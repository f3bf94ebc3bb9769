/** The preview page, pure: sections and panels from the layout, sample data labelled, deterministic, escaped. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { workbookLayout } from "../../../infra/monitoring/workbook.js";
import { previewInput } from "../../../tools/workbook-preview.js";
import { renderPreview, rng } from "../../../tools/workbook-preview-html.js";

const layout = workbookLayout(previewInput("prod"));

describe("renderPreview", () => {
  const html = renderPreview(layout);

  it("has a section per server and a panel per workbook query item", () => {
    assert.equal([...html.matchAll(/<section class="server"/g)].length, layout.sections.length);
    for (const s of layout.sections)
      for (const p of s.panels) assert.ok(html.includes(`data-item="${p.itemName}"`), p.itemName);
  });

  it("says on the page and on every panel that the values are sample data", () => {
    assert.match(html, /Preview with SAMPLE DATA\./);
    const panels = layout.sections.reduce((n, s) => n + s.panels.length, 0);
    assert.equal([...html.matchAll(/SAMPLE DATA — not measured/g)].length, panels);
  });

  it("draws the same threshold labels the workbook draws", () => {
    assert.match(html, /Plan target &lt; 80 %/);
    assert.match(html, /Alert &gt; 90 %/);
  });

  it("is the same page for the same seed and a different one for another", () => {
    assert.equal(renderPreview(layout, 17), html);
    assert.notEqual(renderPreview(layout, 18), html);
    assert.notEqual(rng(1)(), rng(2)());
  });

  it("escapes what it prints", () => {
    const evil = { ...layout, title: "<script>x</script>" };
    assert.ok(!renderPreview(evil).includes("<script>x"));
  });

  it("refuses a stack that is not on Azure", () => assert.throws(() => previewInput("local"), /not on Azure/));
});
