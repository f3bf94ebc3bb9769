/**
 * `tsx tools/take-backups.ts <preview.json> [--dry-run]`: takes the on-demand backups a change preview asks for (its
 * `backups`, tools/preview/backups.ts, D77), one `az postgres flexible-server backup create` after another, before the
 * deploy job's `pulumi up`. Stops at the first failure (exit 1): a risky change does not go ahead without its backup.
 * Exit 2: the preview file is missing or has no `backups` list (the preview did not run).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

interface Backup {
  readonly server: string;
  readonly reasons: readonly string[];
  readonly command: readonly string[];
}

export function backupsOf(previewJson: string): Backup[] {
  const doc = JSON.parse(previewJson) as { backups?: unknown };
  if (!Array.isArray(doc.backups))
    throw new Error("the preview JSON has no backups list (run npm run plan -- --base …)");
  for (const b of doc.backups as Backup[])
    if (!Array.isArray(b.command) || b.command[0] !== "az" || !b.command.includes("backup"))
      throw new Error(`not an az backup command: ${JSON.stringify(b.command)}`);
  return doc.backups as Backup[];
}

function main(argv: readonly string[]): number {
  const [file, ...flags] = argv;
  let backups: Backup[];
  try {
    if (!file) throw new Error("usage: tsx tools/take-backups.ts <preview.json> [--dry-run]");
    backups = backupsOf(readFileSync(file, "utf8"));
  } catch (e) {
    process.stderr.write(`take-backups: ${(e as Error).message}\n`);
    return 2;
  }
  if (backups.length === 0) process.stdout.write("take-backups: this change restarts, scales or upgrades no server\n");
  for (const b of backups) {
    process.stdout.write(`take-backups: ${b.server} (${b.reasons.join("; ")})\n  ${b.command.join(" ")}\n`);
    if (flags.includes("--dry-run")) continue;
    try {
      execFileSync(b.command[0], b.command.slice(1), { stdio: "inherit" });
    } catch {
      process.stderr.write(`take-backups: the backup of ${b.server} failed; not deploying\n`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
