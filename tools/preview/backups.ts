/**
 * On-demand backups before risky changes (D77): for every server the change restarts, scales (compute or storage) or
 * moves to another major version, the exact `az` command that takes an on-demand backup first. The preview prints it;
 * the deploy job runs it before `pulumi up` (tools/take-backups.ts, .github/workflows/pulumi.yml).
 *
 * Microsoft (MicrosoftDocs/azure-databases-docs articles/postgresql/flexible-server/concepts-backup-restore.md,
 * "On-demand Backups"): an on-demand backup "is ideal for scenarios such as preparing for a potentially risky
 * operation"; "These backups are retained according to your backup retention window."; limits: not on Burstable, not on
 * Premium SSD v2, "a maximum of 7 on-demand backups per flexible server". The azure-native provider has the resource
 * (`dbforpostgresql:BackupsAutomaticAndOnDemand`, API 2025-08-01), but a resource cannot run before its own server's
 * update inside one `pulumi up`, so the backup is a step before the deployment, not part of it.
 */
import { createHash } from "node:crypto";
import type { Change, PlanResource } from "./diff.js";
import type { Restart } from "./rules.js";

const SERVER_TYPE = "azure-native:dbforpostgresql:Server";

export interface OnDemandBackup {
  readonly server: string;
  readonly resourceGroup: string;
  /** Why the change is risky for this server, e.g. "scale: sku.name", "restart: static parameter changed: …". */
  readonly reasons: readonly string[];
  /** The backup's name: a digest of server and reasons, so the same change names the same backup. */
  readonly name: string;
  /** argv of the command (az CLI 2.86.0 spelling: --server-name and --name, D71). */
  readonly command: readonly string[];
}

/** Input paths whose change scales a server or changes its major version. */
const RISKY_PATHS: readonly { readonly prefix: string; readonly what: string }[] = [
  { prefix: "sku", what: "scale" },
  { prefix: "storage.storageSizeGB", what: "scale" },
  { prefix: "storage.tier", what: "scale" },
  { prefix: "storage.iops", what: "scale" },
  { prefix: "storage.throughput", what: "scale" },
  { prefix: "storage.type", what: "scale" },
  { prefix: "version", what: "major-version change" },
];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/** The backups to take before this change, one per server at risk, in server-name order. */
export function onDemandBackupsOf(
  head: readonly PlanResource[],
  changes: readonly Change[],
  restarts: readonly Restart[],
): OnDemandBackup[] {
  const reasons = new Map<string, string[]>();
  const add = (server: string, reason: string) => reasons.set(server, [...(reasons.get(server) ?? []), reason]);
  for (const c of changes) {
    // A server that does not exist yet has nothing to back up; a replaced one is refused by protect (D61).
    if (c.type !== SERVER_TYPE || c.op !== "update") continue;
    const server = head.find((r) => r.urn === c.urn);
    const name = typeof server?.inputs.serverName === "string" ? server.inputs.serverName : c.name;
    for (const risky of RISKY_PATHS) {
      const hit = c.paths.filter((p) => under(p, risky.prefix));
      if (hit.length > 0) add(name, `${risky.what}: ${hit.join(", ")}`);
    }
  }
  for (const r of restarts) if (r.op !== "create") add(r.server, `restart: ${r.reason}`);
  return [...reasons]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([server, why]) => {
      const resource = head.find((r) => r.type === SERVER_TYPE && r.inputs.serverName === server);
      const rg = resource?.inputs.resourceGroupName;
      // Replicas have no backups of their own (D6): the primary's backup is the one that holds the data.
      const replica =
        resource?.inputs.createMode === "Replica" || typeof resource?.inputs.sourceServerResourceId === "string";
      if (typeof rg !== "string" || replica) return [];
      const unique = [...new Set(why)];
      const name = `pre-change-${createHash("sha256")
        .update(JSON.stringify([server, unique]))
        .digest("hex")
        .slice(0, 12)}`;
      return [
        {
          server,
          resourceGroup: rg,
          reasons: unique,
          name,
          command: [
            "az",
            "postgres",
            "flexible-server",
            "backup",
            "create",
            "--resource-group",
            rg,
            "--server-name",
            server,
            "--name",
            name,
            "--only-show-errors",
          ],
        },
      ];
    });
}

/** The command as one shell line (values here are Azure names: no quoting is needed). */
export const commandLine = (b: OnDemandBackup): string => b.command.join(" ");
