/**
 * The bootstrap SQL (sql/bootstrap.sql), read once for the Kubernetes Job and the local twin, and the psql driver both
 * run it with.
 */
import { readFileSync } from "node:fs";
import { BOOTSTRAP_EXTENSIONS } from "./parameters.js";
import type { PasswordRole } from "./types.js";

export const BOOTSTRAP_SQL_PATH = new URL("../sql/bootstrap.sql", import.meta.url);

export function readBootstrapSql(): string {
  return readFileSync(BOOTSTRAP_SQL_PATH, "utf8");
}

/** File name of a role's password wherever it is mounted (CSI volume, twin uploads), whatever the vault calls it. */
export const passwordFileName = (role: PasswordRole): string => `${role}-password`;

/** The roles whose SCRAM verifier the bootstrap sets (the administrator's password is set through Azure). */
export type VerifierRole = Exclude<PasswordRole, "administrator">;
export const VERIFIER_ROLES: readonly VerifierRole[] = ["application", "monitoring"];

/** File name of a role's SCRAM-SHA-256 verifier wherever it is mounted. */
export const verifierFileName = (role: VerifierRole): string => `${role}-scram-verifier`;

export interface BootstrapTarget {
  /** The application database the script must run in. */
  readonly database: string;
  readonly applicationLogin: string;
  readonly monitoringLogin: string;
}

/**
 * A shell command (psql backticks) that prints the file's content only if it is a SCRAM-SHA-256 verifier, and nothing
 * otherwise. Checked on the client: a check on the server would send the value — a password put there by mistake —
 * in a statement's text, which log_statement, a failing statement or pg_stat_activity would then show.
 */
export function readVerifierCommand(file: string): string {
  return `sed -n '/^SCRAM-SHA-256[$][0-9][0-9]*:[A-Za-z0-9+/=]*[$][A-Za-z0-9+/=]*:[A-Za-z0-9+/=]*$/p' ${file}`;
}

/**
 * The psql script that runs the bootstrap: role names and the database as psql variables (one home: infra/types.ts
 * and the platform config), the verifiers read from mounted files with psql's backticks — so they appear in no
 * command line, environment or pod spec, and a file holding anything but a verifier yields an empty value, which the
 * SQL refuses — then the bootstrap SQL itself.
 */
export function bootstrapDriver(secretsDir: string, sqlPath: string, target: BootstrapTarget): string {
  return [
    "\\set ON_ERROR_STOP on",
    `\\set database ${target.database}`,
    `\\set app_login ${target.applicationLogin}`,
    `\\set monitor_login ${target.monitoringLogin}`,
    `\\set extensions ${BOOTSTRAP_EXTENSIONS.join(",")}`,
    `\\set app_verifier \`${readVerifierCommand(`${secretsDir}/${verifierFileName("application")}`)}\``,
    `\\set monitor_verifier \`${readVerifierCommand(`${secretsDir}/${verifierFileName("monitoring")}`)}\``,
    `\\i ${sqlPath}`,
    "",
  ].join("\n");
}
