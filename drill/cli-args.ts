/** Command-line arguments of drill/cli.ts. */

export interface CliArgs {
  scenarios?: string;
  json?: string;
  markdown?: string;
  quick: boolean;
  target: "local" | "azure";
  outputs?: string;
  execute: boolean;
  help: boolean;
  /** --target azure: the primary server's name, which lets a destructive scenario run on prod (D100). */
  allowDestructive?: string;
}

/** The text of `npm run drill -- --help`: the flags, then every scenario with its one-line description. */
export function usage(descriptions: Readonly<Record<string, string>>): string {
  const width = Math.max(...Object.keys(descriptions).map((n) => n.length));
  return [
    "usage: npm run drill -- [options]",
    "",
    "options:",
    "  --scenarios <a,b,…>   scenarios to run (default: all, in the order below)",
    "  --quick               short durations and sizes (tests, CI); same as AUTHDB_DRILL_QUICK=1",
    "  --json <file>         write the JSON report there (default: stdout)",
    "  --markdown <file>     also write the readable Markdown report",
    "  --target local|azure  local throwaway topology (default) or the Azure procedures",
    "  --outputs <file>      azure: `pulumi stack output --json` of the stack",
    "  --execute             azure: run the procedures instead of printing them",
    "  --allow-destructive <server>  azure: let destructive scenarios run on the named primary (prod)",
    "  --help, -h            this text",
    "",
    "scenarios:",
    ...Object.entries(descriptions).map(([n, d]) => `  ${n.padEnd(width)}  ${d}`),
    "",
  ].join("\n");
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { quick: process.env.AUTHDB_DRILL_QUICK === "1", target: "local", execute: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    switch (k) {
      case "--scenarios":
        a.scenarios = val();
        break;
      case "--json":
        a.json = val();
        break;
      case "--markdown":
        a.markdown = val();
        break;
      case "--quick":
        a.quick = true;
        break;
      case "--outputs":
        a.outputs = val();
        break;
      case "--allow-destructive":
        a.allowDestructive = val();
        break;
      case "--execute":
        a.execute = true;
        break;
      case "--help":
      case "-h":
        a.help = true;
        break;
      case "--target": {
        const t = val();
        if (t !== "local" && t !== "azure") throw new Error(`--target must be local or azure`);
        a.target = t;
        break;
      }
      default:
        throw new Error(`unknown argument ${k}`);
    }
  }
  return a;
}
