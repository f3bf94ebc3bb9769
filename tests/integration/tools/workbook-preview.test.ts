/**
 * `npm run workbook:preview` in a real headless Chromium (Debian's, scripts/ensure-chromium.sh): the page renders a
 * section per server with its panels, says it shows sample data, and the screenshot is not blank — measured on the
 * screenshot's own pixels, decoded by the browser.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { withPage } from "../../../tools/chromium.js";
import { previewInput } from "../../../tools/workbook-preview.js";

const dir = mkdtempSync(join(tmpdir(), "authdb-workbook-"));
const html = join(dir, "preview.html");
const png = join(dir, "preview.png");

/** Mean and variance of the screenshot's luminance, and the share of pixels that are not the page background. */
async function pixelStats(pngPath: string) {
  const dataUrl = `data:image/png;base64,${readFileSync(pngPath).toString("base64")}`;
  return withPage("<!doctype html><canvas id=c></canvas>", (page) =>
    page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.getElementById("c") as HTMLCanvasElement;
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let sq = 0;
      let nonBg = 0;
      const n = d.length / 4;
      const [r0, g0, b0] = [d[0], d[1], d[2]];
      for (let i = 0; i < d.length; i += 4) {
        const l = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
        sum += l;
        sq += l * l;
        if (Math.abs(d[i] - r0) + Math.abs(d[i + 1] - g0) + Math.abs(d[i + 2] - b0) > 30) nonBg++;
      }
      const mean = sum / n;
      return { width: c.width, height: c.height, variance: sq / n - mean * mean, nonBackground: nonBg / n };
    }, dataUrl),
  );
}

describe("workbook preview in headless Chromium", () => {
  let run: ReturnType<typeof spawnSync>;
  before(() => {
    run = spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/workbook-preview.ts", "--out", html, "--screenshot", png],
      { encoding: "utf8" },
    );
  });

  it("writes the page and the screenshot", () => {
    assert.equal(run.status, 0, String(run.stderr));
    assert.match(String(run.stdout), /3 servers, sample data/);
  });

  it("renders a section per server with every panel of its role, labelled as sample data", async () => {
    const servers = previewInput("prod").servers.map((s) => s.name);
    const seen = await withPage(readFileSync(html, "utf8"), (page) =>
      page.evaluate(() =>
        [...document.querySelectorAll("section.server")].map((s) => ({
          name: s.getAttribute("data-server"),
          height: s.getBoundingClientRect().height,
          panels: s.querySelectorAll(".panel").length,
          charts: s.querySelectorAll("svg path.series").length,
          samples: s.querySelectorAll(".sample").length,
        })),
      ),
    );
    assert.deepEqual(
      seen.map((s) => s.name),
      servers,
    );
    for (const s of seen) {
      assert.ok(s.height > 300, `${s.name} is drawn (${s.height}px)`);
      assert.ok(s.panels >= 11 && s.charts >= 8, `${s.name}: ${s.panels} panels, ${s.charts} charts`);
      assert.equal(s.samples, s.panels, "every panel says its data is sample data");
    }
  });

  it("takes a screenshot that is not blank", async () => {
    const stats = await pixelStats(png);
    assert.equal(stats.width, 1200);
    assert.ok(stats.height > 2000, `full page (${stats.height}px)`);
    assert.ok(stats.variance > 100, `luminance variance ${stats.variance.toFixed(1)}`);
    assert.ok(stats.nonBackground > 0.3, `${(stats.nonBackground * 100).toFixed(1)} % of pixels are not background`);
  });

  it("would call a blank page blank (the measure can fail)", async () => {
    const blank = join(dir, "blank.png");
    await withPage("<!doctype html><body style='margin:0;background:#fff'></body>", (page) =>
      page.screenshot({ path: blank }),
    );
    const stats = await pixelStats(blank);
    assert.ok(stats.variance < 1 && stats.nonBackground < 0.001, JSON.stringify(stats));
  });
});
