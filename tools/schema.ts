/**
 * Writes the component package schema (what `pulumi package add` generates SDKs from) as Pulumi's component provider
 * computes it from the TypeScript sources: `npm run schema -- --out schema.json`. Without --out it prints it.
 * tests/unit/tools/schema.test.ts fails when the checked-in schema.json differs from it (D83).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/index.js";
import { Platform } from "../stacks/platform.js";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The schema, formatted as checked in (two-space JSON, trailing newline). */
export async function componentSchema(dirname = REPO_ROOT): Promise<string> {
  const provider = new ComponentProvider({ name: "authdb", dirname, components: [Platform] });
  return `${JSON.stringify(JSON.parse(await provider.getSchema()), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const schema = await componentSchema();
  if (values.out) writeFileSync(values.out, schema);
  else process.stdout.write(schema);
}
