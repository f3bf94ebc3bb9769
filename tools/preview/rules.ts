/**
 * The checks the change preview makes on a diff: stateful resources never replaced or deleted, Azure's replica-first
 * order for scale-ups, no disk shrink, every static-parameter change followed by exactly one restart per server, and no
 * change the mutability table cannot classify. Each is a mandatory violation (exit 1). Pure.
 */
import { SKUS, learn } from "../../infra/config/azure-facts.js";
import { REPLICA_FIRST_PARAMETERS_SOURCE, REPLICA_FIRST_SOURCE } from "../../infra/database/preflight.js";
import { RESTART_COMMAND } from "../../infra/database/servers.js";
import { declaredParameters } from "../../infra/parameters.js";
import { type Change, type Diff, type PlanResource, dependencyOrder, waitsOn } from "./diff.js";
import { missingRowHint } from "./mutability.js";

export interface PreviewViolation {
  readonly policy:
    | "protected-replacement"
    | "replica-first"
    | "storage-shrink"
    | "missing-restart"
    | "repeated-restart"
    | "unclassified-input";
  readonly enforcement: "mandatory";
  readonly urn: string;
  readonly message: string;
}

export const SERVER_TYPE = "azure-native:dbforpostgresql:Server";
const CONFIGURATION_TYPE = "azure-native:dbforpostgresql:Configuration";

/** The resources whose replacement or deletion loses data or breaks every client (R-5.1.1; D15). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  SERVER_TYPE,
  "azure-native:dbforpostgresql:Database",
  "azure-native:keyvault:Vault",
  "azure-native:privatedns:PrivateZone",
  "azure-native:resources:ResourceGroup",
]);

export const STORAGE_SHRINK_SOURCE = learn(
  "how-to-scale-compute-storage-portal (articles/postgresql/flexible-server/how-to-scale-compute-storage-portal.md)",
  "You can't scale down the storage.",
);

const TWO_STEP =
  "Roll it out in two deployments: 1) set the new value on every replica (platform.replicas[i].sku / .storage / .maxConnections) and merge — only the replicas change; 2) then raise the primary (platform.server…) in a second pull request.";

const STATIC_PARAMETERS = new Set(
  declaredParameters()
    .filter((p) => p.requiresRestart)
    .map((p) => p.name),
);

/** The steps in the order the engine would run them: creates/updates/replacements by dependency, then deletions. */
export function executionOrder(
  base: readonly PlanResource[],
  head: readonly PlanResource[],
  changes: readonly Change[],
): string[] {
  const by = new Map(changes.filter((c) => c.op !== "none").map((c) => [c.urn, c]));
  const forward = dependencyOrder(head)
    .filter((r) => by.has(r.urn) && by.get(r.urn)!.op !== "delete")
    .map((r) => r.urn);
  const deletions = dependencyOrder(base)
    .reverse()
    .filter((r) => by.get(r.urn)?.op === "delete")
    .map((r) => r.urn);
  return [...forward, ...deletions];
}

export interface Restart {
  readonly server: string;
  /** The restart step (the `local.Command` of D13) and why it runs. */
  readonly urn: string;
  readonly op: Change["op"];
  readonly reason: string;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function restartCommands(resources: readonly PlanResource[]) {
  return resources.filter((r) => r.type === "command:local:Command" && r.inputs.create === RESTART_COMMAND);
}

/** Which servers the change restarts, one entry per restart step that runs. */
export function restartsOf(head: readonly PlanResource[], changes: readonly Change[]): Restart[] {
  const by = new Map(changes.map((c) => [c.urn, c]));
  const out: Restart[] = [];
  for (const cmd of restartCommands(head)) {
    const c = by.get(cmd.urn);
    if (!c || c.op === "none" || c.op === "delete") continue;
    const server = str((cmd.inputs.environment as Record<string, unknown> | undefined)?.SERVER_NAME) ?? cmd.name;
    const statics = changes
      .filter((x) => x.type === CONFIGURATION_TYPE && x.op !== "delete" && x.op !== "none")
      .map((x) => head.find((r) => r.urn === x.urn))
      .filter((r) => r?.inputs.serverName === server && STATIC_PARAMETERS.has(String(r.inputs.configurationName)))
      .map((r) => String(r!.inputs.configurationName));
    const reason =
      c.op === "create"
        ? "first start with the static parameters (new server)"
        : statics.length > 0
          ? `static parameter changed: ${[...new Set(statics)].sort().join(", ")}`
          : `restart step changed: ${c.paths.join(", ")}`;
    out.push({ server, urn: cmd.urn, op: c.op, reason });
  }
  return out;
}

interface ServerInfo {
  readonly resource: PlanResource;
  readonly name: string;
  readonly primary: string | undefined;
}

function servers(resources: readonly PlanResource[]): Map<string, ServerInfo> {
  const out = new Map<string, ServerInfo>();
  for (const r of resources.filter((x) => x.type === SERVER_TYPE)) {
    const name = str(r.inputs.serverName) ?? r.name;
    const source = str(r.inputs.sourceServerResourceId);
    const primary = source && r.inputs.createMode !== "Create" ? source.split("/").pop() : undefined;
    out.set(name, { resource: r, name, primary });
  }
  return out;
}

const configurationOf = (resources: readonly PlanResource[], server: string, parameter: string) =>
  resources.find(
    (r) => r.type === CONFIGURATION_TYPE && r.inputs.serverName === server && r.inputs.configurationName === parameter,
  );

const computeOf = (r: PlanResource | undefined) => {
  const sku = str((r?.inputs.sku as Record<string, unknown> | undefined)?.name);
  return sku ? SKUS[sku] : undefined;
};
const storageOf = (r: PlanResource | undefined) => {
  const v = (r?.inputs.storage as Record<string, unknown> | undefined)?.storageSizeGB;
  return typeof v === "number" ? v : undefined;
};

interface Quantity {
  readonly what: string;
  readonly rule: string;
  readonly source: { readonly ref: string };
  /** The resource that carries the quantity for a server (the server itself or its Configuration). */
  readonly carrier: (resources: readonly PlanResource[], server: ServerInfo) => PlanResource | undefined;
  readonly value: (r: PlanResource | undefined) => number | undefined;
  readonly show: (r: PlanResource | undefined) => string;
}

const QUANTITIES: readonly Quantity[] = [
  {
    what: "compute (sku.name)",
    rule: "replica-first compute scale-up",
    source: REPLICA_FIRST_SOURCE,
    carrier: (_, s) => s.resource,
    value: (r) => {
      const c = computeOf(r);
      return c ? c.vCores * 1e4 + c.memoryGiB : undefined;
    },
    show: (r) => String((r?.inputs.sku as Record<string, unknown> | undefined)?.name),
  },
  {
    what: "storage (storage.storageSizeGB)",
    rule: "replica-first storage scale-up",
    source: REPLICA_FIRST_SOURCE,
    carrier: (_, s) => s.resource,
    value: storageOf,
    show: (r) => `${storageOf(r)} GiB`,
  },
  {
    what: "max_connections",
    rule: "replica-first max_connections increase",
    source: REPLICA_FIRST_PARAMETERS_SOURCE,
    carrier: (rs, s) => configurationOf(rs, s.name, "max_connections"),
    value: (r) => (r && r.inputs.value !== undefined ? Number(r.inputs.value) : undefined),
    show: (r) => String(r?.inputs.value),
  },
];

/** Every mandatory violation of a diff. */
export function previewViolations(
  base: readonly PlanResource[],
  head: readonly PlanResource[],
  diff: Diff,
): PreviewViolation[] {
  const out: PreviewViolation[] = [];
  const by = new Map(diff.changes.map((c) => [c.urn, c]));

  for (const c of diff.changes) {
    if ((c.op !== "replace" && c.op !== "delete") || !(c.protected || STATEFUL_TYPES.has(c.type))) continue;
    const what =
      c.op === "replace"
        ? `would be replaced (deleted and created again) because ${(c.forcedBy ?? []).map((f) => `\`${f.path}\``).join(", ")} ${c.forcedBy?.length === 1 ? "is" : "are"} create-only (${(c.forcedBy ?? []).map((f) => f.source).join("; ")})`
        : c.retainOnDelete
          ? "would leave the stack (retainOnDelete: Azure keeps it, but nothing manages or protects it any more)"
          : "would be deleted: it is no longer in the program";
    out.push({
      policy: "protected-replacement",
      enforcement: "mandatory",
      urn: c.urn,
      message: `${c.name} [${c.type}] ${what}. A stateful resource is never replaced or deleted by a pull request: revert the change, or follow README "Replacing or deleting a server".`,
    });
  }

  for (const u of diff.unclassified) {
    out.push({
      policy: "unclassified-input",
      enforcement: "mandatory",
      urn: u.urn,
      message: `${u.type} input \`${u.path}\` changes but the mutability table does not say whether it updates in place or forces a replacement: ${missingRowHint(u.type, u.path)}.`,
    });
  }

  const headServers = servers(head);
  const baseServers = servers(base);
  for (const s of headServers.values()) {
    const before = baseServers.get(s.name);
    const now = storageOf(s.resource);
    const was = storageOf(before?.resource);
    if (before && now !== undefined && was !== undefined && now < was) {
      out.push({
        policy: "storage-shrink",
        enforcement: "mandatory",
        urn: s.resource.urn,
        message: `${s.name}: storage.storageSizeGB ${was} → ${now} is a shrink; Azure cannot shrink a disk (${STORAGE_SHRINK_SOURCE.ref}: "${STORAGE_SHRINK_SOURCE.quote}"). The program keeps sending the live size, so this change would not take effect: keep ${was} or more.`,
      });
    }
  }

  // Replica-first: a raise on an existing primary must reach every existing replica first.
  for (const p of headServers.values()) {
    if (p.primary !== undefined || !baseServers.has(p.name)) continue;
    const replicas = [...headServers.values()].filter((r) => r.primary === p.name && baseServers.has(r.name));
    for (const q of QUANTITIES) {
      const pNow = q.carrier(head, p);
      const pWas = q.carrier(base, baseServers.get(p.name)!);
      const newValue = q.value(pNow);
      const oldValue = q.value(pWas);
      if (!pNow || newValue === undefined || oldValue === undefined || newValue <= oldValue) continue;
      for (const r of replicas) {
        const rNow = q.carrier(head, r);
        const rWas = q.carrier(base, baseServers.get(r.name)!);
        const replicaBefore = q.value(rWas);
        if (replicaBefore !== undefined && replicaBefore >= newValue) continue; // already there
        const replicaAfter = q.value(rNow);
        const raisedFirst =
          rNow !== undefined &&
          replicaAfter !== undefined &&
          replicaAfter >= newValue &&
          by.has(rNow.urn) &&
          waitsOn(head, pNow.urn, rNow.urn);
        if (raisedFirst) continue;
        const order =
          rNow && by.has(rNow.urn) && waitsOn(head, rNow.urn, pNow.urn)
            ? `the replica's step runs after the primary's (${r.name} waits on ${p.name})`
            : replicaAfter === undefined || replicaAfter < newValue
              ? `the replica stays at ${q.show(rNow)}`
              : "nothing makes the primary's step wait for the replica's";
        out.push({
          policy: "replica-first",
          enforcement: "mandatory",
          urn: pNow.urn,
          message: `${q.rule}: ${p.name} ${q.what} ${q.show(pWas)} → ${q.show(pNow)} would reach the primary before replica ${r.name} (${q.show(rWas)}): ${order}. Azure's rule (${q.source.ref}): "${(q.source as { quote?: string }).quote ?? ""}". ${TWO_STEP}`,
        });
      }
    }
  }

  // Restarts: a static parameter change on an existing server needs one restart after it; never two.
  const restarts = restartsOf(head, diff.changes);
  const order = executionOrder(base, head, diff.changes);
  for (const c of diff.changes) {
    if (c.type !== CONFIGURATION_TYPE || (c.op !== "update" && c.op !== "replace" && c.op !== "create")) continue;
    const cfg = head.find((r) => r.urn === c.urn)!;
    const name = str(cfg.inputs.configurationName) ?? "";
    const server = str(cfg.inputs.serverName) ?? "";
    if (!STATIC_PARAMETERS.has(name) || !baseServers.has(server)) continue;
    const restart = restarts.find((x) => x.server === server);
    const after = restart
      ? order.indexOf(restart.urn) > order.indexOf(c.urn) && waitsOn(head, restart.urn, c.urn)
      : false;
    if (!after) {
      out.push({
        policy: "missing-restart",
        enforcement: "mandatory",
        urn: c.urn,
        message: `${server}: static parameter ${name} changes (${c.paths.join(", ")}) but ${restart ? "the restart runs before it" : "no restart step runs"}; a static parameter takes effect only after a restart (infra/parameters.ts, D13), so the value would stay pending.`,
      });
    }
  }
  const perServer = new Map<string, Restart[]>();
  for (const r of restarts) perServer.set(r.server, [...(perServer.get(r.server) ?? []), r]);
  for (const [server, list] of perServer) {
    if (list.length > 1) {
      out.push({
        policy: "repeated-restart",
        enforcement: "mandatory",
        urn: list[1].urn,
        message: `${server} would restart ${list.length} times (${list.map((l) => l.urn.split("::").pop()).join(", ")}); one restart after the last parameter write is enough (D13).`,
      });
    }
  }
  return out;
}
