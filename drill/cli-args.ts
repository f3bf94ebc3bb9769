/** Command-line arguments of drill/cli.ts. */

export interface CliArgs {
  scenarios?: string;
  json?: string;
  markdown?: string;
  quick: boolean;
  target: "local" | "azure";
  outputs?: string;
  execute: boolean;
  /** --target azure: the primary server's name, which lets a destructive scenario run on prod (D100). */
  allowDestructive?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { quick: process.env.AUTHDB_DRILL_QUICK === "1", target: "local", execute: false };
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
