/**
 * The bootstrap SQL (sql/bootstrap.sql), read once for the Kubernetes Job and the local twin, and the psql driver both
 * run it with.
 */
import { readFileSync } from "node:fs";
import type { PasswordRole } from "./types.js";

export const BOOTSTRAP_SQL_PATH = new URL("../sql/bootstrap.sql", import.meta.url);

export function readBootstrapSql(): string {
  return readFileSync(BOOTSTRAP_SQL_PATH, "utf8");
}

/** File name of a role's password wherever it is mounted (CSI volume, twin uploads), whatever the vault calls it. */
export const passwordFileName = (role: PasswordRole): string => `${role}-password`;

/**
 * The psql script the Job runs: reads the passwords from the mounted files into psql variables (psql's backticks, so
 * they never appear in a command line or the pod spec) and then includes the bootstrap SQL, which expects them as
 * `app_password` and `monitor_password`.
 */
export function bootstrapDriver(secretsDir: string, sqlPath: string): string {
  return [
    "\\set ON_ERROR_STOP on",
    `\\set app_password \`cat ${secretsDir}/${passwordFileName("application")}\``,
    `\\set monitor_password \`cat ${secretsDir}/${passwordFileName("monitoring")}\``,
    `\\i ${sqlPath}`,
    "",
  ].join("\n");
}
