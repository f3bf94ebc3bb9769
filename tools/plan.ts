/**
 * `npm run plan -- --stack <name> [--config <file>] [--json <file>]`: what a stack would create, offline.
 * With `--base <stack file | plan JSON | git ref> [--markdown <file>]`: the change preview against that base
 * (tools/preview/, docs/change-preview.md).
 * Exit status: 0 fine, 1 a mandatory violation (policy or change check), 2 invalid config or base (stderr names the
 * key and the side), 3 anything else.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../infra/config/platform.js";
import { evaluatePolicies } from "../policy/evaluate.js";
import { planCost } from "./cost-plan.js";
import { runStackFile } from "./offline.js";
import { type Violation, planDocument, planJson, planText } from "./plan-format.js";
import {
  BaseArgumentError,
  BaseConfigError,
  type BaseSource,
  buildPreview,
  emitPreview,
  resolveBase,
  startBase,
} from "./preview/run.js";

// Pulumi captures a stack trace for every resource it registers; mapping each through tsx's source maps costs more than
// the whole mock run, and the plan never shows them.
process.setSourceMapsEnabled(false);

export const EXIT = { ok: 0, mandatoryViolation: 1, invalidConfig: 2, failure: 3 } as const;

const USAGE =
  "usage: npm run plan -- --stack <name> [--config <file>] [--json <file>] [--quiet] [--base <stack file|plan JSON|git ref> [--markdown <file>]]";

async function main(argv: string[]): Promise<number> {
  let values: {
    stack?: string;
    config?: string;
    json?: string;
    quiet?: boolean;
    base?: string;
    markdown?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        json: { type: "string" },
        quiet: { type: "boolean" },
        base: { type: "string" },
        markdown: { type: "string" },
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
  if (values.markdown && !values.base) {
    process.stderr.write(`--markdown needs --base\n${USAGE}\n`);
    return EXIT.failure;
  }
  const configPath = values.config ?? `Pulumi.${values.stack}.yaml`;

  // The base starts first (a second process when it has to run), so both programs run at the same time.
  let source: BaseSource | undefined;
  let base: ReturnType<typeof startBase> | undefined;
  if (values.base) {
    try {
      source = resolveBase(values.base);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return EXIT.invalidConfig;
    }
    base = startBase(source, values.stack);
    base.catch(() => undefined); // judged below, after the head
  }

  let run;
  try {
    run = await runStackFile(values.stack, configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${base ? "head " : ""}${configPath}: ${e.message}\nNothing was registered.\n`);
      await base?.catch(() => undefined);
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
  if (base && source) {
    let baseDoc;
    try {
      baseDoc = await base;
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return e instanceof BaseConfigError || e instanceof BaseArgumentError ? EXIT.invalidConfig : EXIT.failure;
    }
    const preview = buildPreview(baseDoc, doc, source);
    const refused = emitPreview(baseDoc, doc, preview, {
      ...(values.json ? { json: values.json } : {}),
      ...(values.markdown ? { markdown: values.markdown } : {}),
      ...(values.quiet ? { quiet: true } : {}),
    });
    const mandatory = violations.some((v) => v.enforcement === "mandatory");
    return refused || mandatory ? EXIT.mandatoryViolation : EXIT.ok;
  }
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
