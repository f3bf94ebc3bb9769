/**
 * Writes the component package schema (what `pulumi package add` generates SDKs from) as Pulumi's component provider
 * computes it from the TypeScript sources: `npm run schema -- --out schema.json`. Without --out it prints it.
 * tests/cli/schema.test.ts fails when the checked-in schema.json differs from it (D83).
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

/** JSON paths where two schemas differ (empty when equal), so a drift failure says what changed. */
export function schemaDifferences(expected: unknown, actual: unknown, path = "$"): string[] {
  if (typeof expected !== "object" || expected === null || typeof actual !== "object" || actual === null) {
    return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [path];
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].flatMap((k) =>
    schemaDifferences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`),
  );
}

/**
 * C# property names Program.cs sets that the schema does not have, as `Type.Property`: each `new PlatformArgs` or
 * `new Inputs.<T>Args` initializer is matched with its schema type, property names PascalCased as .NET codegen does.
 */
export function unknownCSharpProperties(programCs: string, schema: SchemaLike): string[] {
  const propsOf = (cls: string): Record<string, unknown> | undefined => {
    if (cls === "PlatformArgs") return schema.resources["authdb:index:Platform"]?.inputProperties;
    const m = /^Inputs\.(\w+)Args$/.exec(cls);
    return m ? schema.types[`authdb:index:${m[1]}`]?.properties : undefined;
  };
  const out: string[] = [];
  const stack: (string | null)[] = [];
  let pending: string | null = null;
  const token = /new\s+([\w.]+(?:<[^>]*>)?)|(\{)|(\})|\b([A-Z]\w*)\s*=(?!=|>)/g;
  for (const m of programCs.matchAll(token)) {
    if (m[1]) pending = m[1];
    else if (m[2]) {
      stack.push(pending && propsOf(pending) ? pending : null);
      pending = null;
    } else if (m[3]) stack.pop();
    else if (m[4]) {
      const cls = stack.at(-1);
      if (!cls) continue;
      const camel = m[4][0].toLowerCase() + m[4].slice(1);
      if (!(camel in propsOf(cls)!)) out.push(`${cls}.${m[4]}`);
    }
  }
  return out;
}

export interface SchemaLike {
  resources: Record<string, { inputProperties: Record<string, unknown> }>;
  types: Record<string, { properties?: Record<string, unknown> }>;
}
