/** The bootstrap SQL (sql/bootstrap.sql), read once for the Kubernetes Job and the local twin. */
import { readFileSync } from "node:fs";

export const BOOTSTRAP_SQL_PATH = new URL("../sql/bootstrap.sql", import.meta.url);

export function readBootstrapSql(): string {
  return readFileSync(BOOTSTRAP_SQL_PATH, "utf8");
}
