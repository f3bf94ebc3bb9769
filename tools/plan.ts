/**
 * `npm run plan -- --stack <name> [--config <file>] [--json <file>]`: what a stack would create, offline.
 * Exit status: 0 fine, 1 a mandatory policy violation, 2 invalid config (stderr names the key), 3 anything else.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../infra/config/platform.js";
import { evaluatePolicies } from "../policy/evaluate.js";
import { planCost } from "./cost-plan.js";
import { runStackFile } from "./offline.js";
import { type Violation, planDocument, planJson, planText } from "./plan-format.js";

// Pulumi captures a stack trace for every resource it registers; mapping each through tsx's source maps costs more than
// the whole mock run, and the plan never shows them.
process.setSourceMapsEnabled(false);

export const EXIT = { ok: 0, mandatoryViolation: 1, invalidConfig: 2, failure: 3 } as const;

const USAGE = "usage: npm run plan -- --stack <name> [--config <file>] [--json <file>] [--quiet]";

async function main(argv: string[]): Promise<number> {
  let values: { stack?: string; config?: string; json?: string; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        json: { type: "string" },
        quiet: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return EXIT.failure;
  }
  if (!values.stack) {
    process.stderr.write(`--stack is required\n${USAGE}\n`);
    return EXIT.failure;
  }
  const configPath = values.config ?? `Pulumi.${values.stack}.yaml`;

  let run;
  try {
    run = await runStackFile(values.stack, configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${configPath}: ${e.message}\nNothing was registered.\n`);
      return EXIT.invalidConfig;
    }
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      err.code === "ENOENT" ? `cannot read ${err.path ?? configPath}\n` : `plan failed: ${err.stack ?? err}\n`,
    );
    return EXIT.failure;
  }

  // The same rule functions `pulumi preview --policy-pack ./policy` runs, judged for the stack's environment (an output
  // of every stack, see infra/outputs.ts).
  const environment = String(run.outputs.environment);
  const violations: Violation[] = evaluatePolicies(run.resources, { environment }).map((v) => ({
    policy: v.policy,
    enforcement: v.enforcement,
    urn: v.urn,
    message: v.message,
  }));
  const cost = planCost(run);
  const doc = planDocument(run, violations, cost);
  if (values.json) writeFileSync(values.json, planJson(doc));
  if (!values.quiet) process.stdout.write(planText(run, violations, [], cost));
  return violations.some((v) => v.enforcement === "mandatory") ? EXIT.mandatoryViolation : EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`plan failed: ${(e as Error).stack ?? e}\n`);
    process.exit(EXIT.failure);
  },
);
