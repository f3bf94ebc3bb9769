import type { ScenarioName } from "../../../drill/options.js";

/** The restore scenarios, run by backups.test.ts beside local.test.ts (two files, so the tier runs them side by side). */
export const BACKUP_SCENARIOS: readonly ScenarioName[] = ["backup", "pitr", "offsite", "logical"];
