/**
 * npm run drill -- [--scenarios connect,load,…] [--quick] [--json <file>] [--markdown <file>]
 *                  [--target local|azure] [--outputs <pulumi stack output --json file>] [--execute]
 *                  [--allow-destructive <primary server name>] [--help]
 *
 * Local: builds a throwaway topology on 127.0.0.1 per scenario, measures, tears everything down (also on failure and
 * on SIGINT/SIGTERM), and writes the JSON/Markdown report. Exit code 1 when a scenario failed.
 * Azure: prints (or with --execute runs) the Azure procedures built from the stack outputs (drill/azure.ts: its own
 * scenario list; destructive ones refuse the prod stack unless --allow-destructive names its primary server).
 * AUTHDB_DRILL_QUICK=1 is the same as --quick.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  AZURE_DEFAULT_SCENARIOS,
  azurePlan,
  executeAzurePlan,
  parseAzureScenarioList,
  parseStackOutputs,
  renderAzurePlan,
} from "./azure.js";
import { defaultOptions, parseScenarioList, SCENARIOS } from "./options.js";
import { parseArgs, usage } from "./cli-args.js";
import { renderMarkdown, validateReport } from "./report.js";
import { installSignalTeardown, runDrill } from "./run.js";
import { SCENARIO_DESCRIPTIONS } from "./scenarios/index.js";

function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(usage(Object.fromEntries(SCENARIOS.map((n) => [n, SCENARIO_DESCRIPTIONS[n]]))));
    return 0;
  }
  if (args.target === "azure") {
    if (!args.outputs) throw new Error("--target azure needs --outputs <file> (pulumi stack output --json)");
    const scenarios = args.scenarios ? parseAzureScenarioList(args.scenarios) : AZURE_DEFAULT_SCENARIOS;
    const plan = azurePlan(parseStackOutputs(JSON.parse(readFileSync(args.outputs, "utf8"))), scenarios, {
      ...(args.allowDestructive !== undefined ? { allowDestructive: args.allowDestructive } : {}),
    });
    if (!args.execute) {
      process.stdout.write(renderAzurePlan(plan) + "\n");
      return 0;
    }
    const { report } = await executeAzurePlan(plan, (s) => process.stderr.write(s + "\n"));
    const problems = validateReport(report);
    if (args.json) write(args.json, JSON.stringify(report, null, 2) + "\n");
    else process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    if (problems.length) throw new Error(`report does not match its schema: ${problems.join("; ")}`);
    return report.scenarios.every((s) => s.passed) ? 0 : 1;
  }
  const scenarios = args.scenarios ? parseScenarioList(args.scenarios) : [...SCENARIOS];
  installSignalTeardown();
  const options = { ...defaultOptions(args.quick), scenarios };
  const startedAt = new Date();
  const t0 = performance.now();
  const { report, outcomes } = await runDrill(options, (s) => process.stderr.write(s + "\n"));
  const problems = validateReport(report);
  if (problems.length) throw new Error(`report does not match its schema: ${problems.join("; ")}`);
  const json = JSON.stringify(report, null, 2) + "\n";
  if (args.json) write(args.json, json);
  else process.stdout.write(json);
  if (args.markdown) {
    const command = `npm run drill -- ${process.argv.slice(2).join(" ")}`.trim();
    write(
      args.markdown,
      renderMarkdown(report, outcomes, {
        command,
        startedAt: startedAt.toISOString(),
        durationSeconds: (performance.now() - t0) / 1000,
      }),
    );
  }
  return report.scenarios.every((s) => s.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`drill: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
