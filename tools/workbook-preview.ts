/**
 * `npm run workbook:preview -- --out <file.html> [--stack prod] [--screenshot <file.png>]`: the workbook's layout as an
 * HTML page with SAMPLE data (tools/workbook-preview-html.ts), and optionally a full-page screenshot of it in headless
 * Chromium. Server ids are the offline plan's (mock subscription): the preview shows the layout, not Azure.
 * Exit status: 0 written, 2 bad usage or a stack that is not on Azure, 3 anything else.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parsePlatform } from "../infra/config/platform.js";
import { POSTGRES_METRIC_NAMESPACE } from "../infra/monitoring/alerts.js";
import { type WorkbookInput, alertThresholds, workbookLayout } from "../infra/monitoring/workbook.js";
import { MOCK_SUBSCRIPTION, readStackFile } from "./offline.js";
import { renderPreview } from "./workbook-preview-html.js";

const USAGE = "usage: npm run workbook:preview -- --out <file.html> [--stack prod] [--screenshot <file.png>]";

export function previewInput(stack: string): WorkbookInput {
  const platform = parsePlatform(readStackFile(`Pulumi.${stack}.yaml`).config["authdb:platform"], {
    teamsWebhookUrl: "secret",
  });
  if (platform.kind !== "azure") throw new Error(`stack ${stack} is not on Azure: it has no workbook`);
  const rg = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${platform.resourceGroupName}`;
  const id = (name: string) => `${rg}/providers/${POSTGRES_METRIC_NAMESPACE}/${name}`;
  return {
    servers: [
      { name: platform.server.name, role: "primary", id: id(platform.server.name) },
      ...platform.replicas.map((r) => ({ name: r.name, role: "replica" as const, id: id(r.name) })),
    ],
    workspaceId: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${platform.monitoring.workspace.name}`,
    thresholds: alertThresholds(platform.monitoring.alerts, platform.server.maxConnections),
  };
}

async function main(argv: string[]): Promise<number> {
  let values: { out?: string; stack?: string; screenshot?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, stack: { type: "string" }, screenshot: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.out) {
    process.stderr.write(`--out is required\n${USAGE}\n`);
    return 2;
  }
  let input: WorkbookInput;
  try {
    input = previewInput(values.stack ?? "prod");
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const html = renderPreview(workbookLayout(input));
  writeFileSync(values.out, html);
  process.stdout.write(`${values.out}: ${input.servers.length} servers, sample data\n`);
  if (values.screenshot) {
    const { withPage } = await import("./chromium.js");
    await withPage(html, (page) => page.screenshot({ path: values.screenshot!, fullPage: true }));
    process.stdout.write(`${values.screenshot}: screenshot\n`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`workbook:preview failed: ${(e as Error).stack ?? e}\n`);
      process.exit(3);
    },
  );
}
