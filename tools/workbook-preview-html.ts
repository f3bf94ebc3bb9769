/**
 * The HTML preview of the workbook layout: one section per server, one panel per indicator, drawn with SAMPLE data
 * (seeded, labelled as such on every panel) and the same threshold lines the workbook draws. Pure: a layout and a
 * seed in, a self-contained page out (no script, no network), so a browser test can screenshot it.
 */
import type { Panel, WorkbookLayout } from "../infra/monitoring/workbook.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Deterministic pseudo-random numbers (mulberry32), so the same seed draws the same page. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible sample series for a panel: around half the plan's target, or near 0 for a target of 0. */
export function sampleSeries(panel: Panel, random: () => number, points = 24): number[] {
  const target = panel.indicator.target.value;
  const base = panel.indicator.key === "uptime" ? 99.95 : target === 0 ? 0.2 : target * 0.55;
  return Array.from({ length: points }, (_, k) => {
    const wave = Math.sin((k / points) * Math.PI * 2) * 0.25 + (random() - 0.5) * 0.3;
    return panel.indicator.key === "uptime" ? Math.min(100, base + wave * 0.1) : Math.max(0, base * (1 + wave));
  });
}

const W = 360;
const H = 150;
const PAD = 28;

function chart(panel: Panel, values: number[]): string {
  const all = [...values, ...panel.lines.map((l) => l.value)];
  // Availability lives between 99.8 and 100 %: a 0-based axis would flatten it onto the top edge.
  const uptime = panel.indicator.key === "uptime";
  const max = uptime ? Math.max(...all) + 0.05 : Math.max(...all) * 1.1 || 1;
  const min = uptime ? Math.min(...all) - 0.05 : 0;
  const x = (k: number) => PAD + (k * (W - 2 * PAD)) / (values.length - 1);
  const y = (v: number) => H - PAD - ((v - min) * (H - 2 * PAD)) / (max - min || 1);
  const path = values.map((v, k) => `${k ? "L" : "M"}${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const lines = panel.lines
    .map(
      (l) =>
        `<line x1="${PAD}" x2="${W - PAD}" y1="${y(l.value).toFixed(1)}" y2="${y(l.value).toFixed(1)}" class="${l.kind}"/>` +
        // Plan labels at the right end, alert labels at the left: a threshold equal to the target (deadlocks 0,
        // lock wait 50 ms) keeps both legible.
        (l.kind === "alert"
          ? `<text x="${PAD + 4}" y="${(y(l.value) - 3).toFixed(1)}" class="${l.kind}" text-anchor="start">${esc(l.label)}</text>`
          : `<text x="${W - PAD}" y="${(y(l.value) - 3).toFixed(1)}" class="${l.kind}" text-anchor="end">${esc(l.label)}</text>`),
    )
    .join("");
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(panel.indicator.title)}">
<rect x="0" y="0" width="${W}" height="${H}" class="bg"/>
<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" class="axis"/>
<line x1="${PAD}" y1="${PAD / 2}" x2="${PAD}" y2="${H - PAD}" class="axis"/>
<text x="${PAD - 4}" y="${H - PAD}" text-anchor="end" class="tick">${min.toFixed(min ? 1 : 0)}</text>
<text x="${PAD - 4}" y="${PAD}" text-anchor="end" class="tick">${max.toFixed(uptime || max < 10 ? 1 : 0)}</text>
<text x="${PAD}" y="${H - 8}" class="tick">-24 h</text><text x="${W - PAD}" y="${H - 8}" text-anchor="end" class="tick">now</text>
${lines}<path d="${path}" class="series"/>
</svg>`;
}

function table(panel: Panel, random: () => number): string {
  const rows =
    panel.indicator.signal.kind === "backups"
      ? Array.from({ length: 3 }, (_, k) => [`backup_${k + 1}`, "Full", `${k + 1} d ago`, "sample"])
      : [["availabilitystatuses", random() > 0.1 ? "Available" : "Degraded", "sample", "—"]];
  const head =
    panel.indicator.signal.kind === "backups"
      ? ["name", "backupType", "completedTime", "source"]
      : ["Type", "AvailabilityState", "Reason", "Category"];
  return `<table><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</table>`;
}

const CSS = `body{font-family:"DejaVu Sans","NanumGothic",Arial,sans-serif;margin:16px;background:#f3f4f6;color:#111}
h1{font-size:20px}.banner{background:#fde68a;border:1px solid #b45309;padding:8px 12px;margin-bottom:12px}
section.server{background:#fff;border:1px solid #d1d5db;margin:12px 0;padding:8px 12px}
h2{font-size:16px;margin:4px 0 8px}.panels{display:flex;flex-wrap:wrap;gap:10px}
.panel{border:1px solid #e5e7eb;padding:6px;width:${W + 8}px}.panel h3{font-size:12px;margin:0 0 4px}
.sample{font-size:10px;color:#b45309;font-weight:bold}.meta{font-size:10px;color:#4b5563}
svg .bg{fill:#fafafa}svg .axis{stroke:#9ca3af}svg .series{fill:none;stroke:#2563eb;stroke-width:2}
svg line.plan{stroke:#16a34a;stroke-dasharray:6 3;stroke-width:1.5}svg line.alert{stroke:#dc2626;stroke-dasharray:2 2;stroke-width:1.5}
svg text{font-size:9px}svg text.plan{fill:#15803d}svg text.alert{fill:#b91c1c}svg .tick{fill:#6b7280}
table{border-collapse:collapse;font-size:11px}td,th{border:1px solid #d1d5db;padding:2px 6px}`;

export function renderPreview(layout: WorkbookLayout, seed = 17): string {
  const random = rng(seed);
  const sections = layout.sections
    .map(
      (s) => `<section class="server" data-server="${esc(s.server.name)}">
<h2>${esc(s.server.name)} <small>(${s.server.role})</small></h2>
<div class="panels">${s.panels
        .map(
          (p) => `<div class="panel" data-item="${esc(p.itemName)}">
<h3>${esc(p.indicator.title)}</h3>
<div class="sample">SAMPLE DATA — not measured</div>
${p.kind === "timechart" ? chart(p, sampleSeries(p, random)) : table(p, random)}
<div class="meta">${esc(p.indicator.planItem)}${p.indicator.requires ? ` · needs ${esc(p.indicator.requires)}` : ""}</div>
</div>`,
        )
        .join("\n")}</div>
</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(layout.title)} — preview</title><style>${CSS}</style></head>
<body>
<h1>${esc(layout.title)}</h1>
<div class="banner"><strong>Preview with SAMPLE DATA.</strong> The layout, titles and threshold lines are the workbook's;
every value drawn is generated (seed ${seed}), not read from Azure. Green dashed: the install plan's R-6.2.1 target.
Red dotted: the alert pack's threshold.</div>
${sections}
</body></html>
`;
}
