/**
 * Parses and validates the raw `authdb:platform` object into the typed, resolved platform description that the
 * components receive. Pure: no Pulumi runtime, so every rule is tested without mocks. All problems are reported together.
 */
import type { z } from "zod";
import { AZURE_RESERVED_CONNECTIONS, MAX_CONNECTIONS } from "../parameters.js";
import { SKUS, baselineTierFor } from "./azure-facts.js";
import { rotationExpiry } from "./rotation.js";
import { AZURE_RULES, LOCAL_RULES, type ConfigIssue, plainTextSecrets, show } from "./rules.js";
import {
  type AzurePlatformInput,
  type LocalPlatformInput,
  type LongTermBackupInput,
  type StorageInput,
  type SkuInput,
  lenientPlatformSchema,
  platformSchema,
} from "./schema.js";

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `invalid platform config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** How a secret config key was supplied: `pulumi config set --secret` (secret), plain text (plain) or not at all. */
export type SecretPresence = "secret" | "plain" | "absent";

export interface SecretKeyPresence {
  readonly teamsWebhookUrl: SecretPresence;
}

/** Every other config key of the stack (any namespace), and whether it is stored as a secret. */
export interface ConfigEntry {
  readonly key: string;
  readonly secret: boolean;
}

/** Keys the platform no longer reads, with what replaced them. */
export const RETIRED_CONFIG_KEYS: Readonly<Record<string, string>> = {
  "authdb:kubeconfig":
    "a long-lived kubeconfig in stack config is not used: the deploy builds short-lived cluster credentials at run time (az aks get-credentials, then kubelogin convert-kubeconfig -l azurecli) and the Kubernetes provider reads them from KUBECONFIG — remove it with `pulumi config rm authdb:kubeconfig` (README, Deploying)",
};

/** A provider or program setting whose name says it holds a credential. */
const CREDENTIAL_KEY = /(password|passwd|secret|token|key)$/i;

/** Credentials stored in plain text anywhere in the stack's config, and retired keys; values are never shown. */
export function configEntryIssues(entries: readonly ConfigEntry[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const e of entries) {
    const retired = RETIRED_CONFIG_KEYS[e.key];
    if (retired) {
      out.push({ path: e.key, message: `[redacted]: ${retired}` });
      continue;
    }
    const name = e.key.split(":").pop() ?? e.key;
    if (!e.secret && CREDENTIAL_KEY.test(name)) {
      out.push({
        path: e.key,
        message: `[redacted] looks like a credential stored in plain text: set it with \`pulumi config set --secret ${e.key}\` (or use OIDC and no secret at all)`,
      });
    }
  }
  return out;
}

export interface ResolvedStorage {
  readonly type: StorageInput["type"];
  readonly sizeGB: number;
  readonly tier?: string;
  readonly autoGrow: boolean;
  readonly iops?: number;
  readonly throughputMBps?: number;
}

export interface ResolvedReplica {
  readonly name: string;
  readonly region: string;
  readonly availabilityZone?: string;
  readonly sku: SkuInput;
  readonly storage: ResolvedStorage;
  /** The replica's max_connections: its own setting, else the primary's. */
  readonly maxConnections: number;
  readonly purpose?: string;
  /** True when the replica lives outside the primary's region (cross-region DR). */
  readonly crossRegion: boolean;
}

/** Azure's maintenance window, in UTC, with 0 = Sunday. */
export interface UtcMaintenanceWindow {
  readonly dayOfWeek: number;
  readonly startHour: number;
  readonly startMinute: number;
}

/** The password policy with its expiry resolved (Unix seconds: rotation start + rotation period). */
export type ResolvedPasswords = AzurePlatformInput["passwords"] & { readonly expires: number };

/** The virtual endpoints with the reader's target resolved. */
export interface ResolvedVirtualEndpoints {
  readonly name: string;
  readonly readerTarget: string;
}

/** Long-term retention with the weekly backup time converted to UTC (the policy's schedule is written in UTC). */
export type ResolvedLongTermBackup = LongTermBackupInput & { readonly scheduleUtc: UtcMaintenanceWindow };

export type AzurePlatform = Omit<
  AzurePlatformInput,
  "replicas" | "server" | "passwords" | "virtualEndpoints" | "primaryRegion" | "longTermBackup"
> & {
  readonly longTermBackup?: ResolvedLongTermBackup;
  readonly virtualEndpoints?: ResolvedVirtualEndpoints;
  /** The region whose server is primary today (D72); `location` unless a switchover happened. */
  readonly primaryRegion: string;
  /** The name of the server that is primary today: `server.name`, or after a switchover the reader target. */
  readonly currentPrimaryName: string;
  readonly passwords: ResolvedPasswords;
  readonly server: AzurePlatformInput["server"] & {
    readonly storage: ResolvedStorage;
    readonly maintenanceWindowUtc: UtcMaintenanceWindow;
  };
  readonly replicas: readonly ResolvedReplica[];
  readonly secretKeys: SecretKeyPresence;
};

export type LocalPlatform = LocalPlatformInput & { readonly secretKeys: SecretKeyPresence };

export type Platform = AzurePlatform | LocalPlatform;

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** Converts a local wall-clock window (e.g. Sunday 02:00 at UTC+9) into Azure's UTC fields. */
export function toUtcWindow(
  day: (typeof DAYS)[number],
  startTime: string,
  utcOffsetHours: number,
): UtcMaintenanceWindow {
  const [h, m] = startTime.split(":").map(Number);
  const week = 7 * 1440;
  const minutes = (((DAYS.indexOf(day) * 1440 + h * 60 + m - utcOffsetHours * 60) % week) + week) % week;
  return {
    dayOfWeek: Math.floor(minutes / 1440),
    startHour: Math.floor((minutes % 1440) / 60),
    startMinute: minutes % 60,
  };
}

/** Threshold for the active-connections alert: the given share of the slots ordinary users can actually take. */
export function activeConnectionsThreshold(percentOfUsable: number, maxConnections = MAX_CONNECTIONS): number {
  return Math.floor(((maxConnections - AZURE_RESERVED_CONNECTIONS) * percentOfUsable) / 100);
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => {
    const path = ["platform", ...i.path]
      .map((seg, k) => (typeof seg === "number" ? `[${seg}]` : k === 0 ? String(seg) : `.${String(seg)}`))
      .join("");
    if (i.code === "unrecognized_keys") {
      return {
        path,
        message: `has unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.join(", ")} (misspelt? the schema is strict)`,
      };
    }
    const input = "input" in i ? i.input : undefined;
    const value = input === undefined ? "(unset)" : show(input);
    return { path, message: `${value} ${i.message.replace(/^Invalid input: /, "is invalid: ")}` };
  });
}

function secretKeyIssues(raw: AzurePlatformInput | LocalPlatformInput, presence: SecretKeyPresence): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const key of ["teamsWebhookUrl"] as const) {
    if (presence[key] === "plain") {
      out.push({
        path: `authdb:${key}`,
        message: `[redacted] is stored in plain text: set it with \`pulumi config set --secret authdb:${key}\``,
      });
    }
  }
  if (raw.kind === "azure") {
    const usesTeams = Object.values(raw.monitoring.actionGroups).some((g) => g.teams);
    if (usesTeams && presence.teamsWebhookUrl === "absent") {
      out.push({
        path: "authdb:teamsWebhookUrl",
        message: "(unset) is required because an action group has teams: true",
      });
    }
  }
  if (raw.kind === "azure" && raw.kubernetes?.enabled && !raw.kubernetes.bootstrapIdentityClientId) {
    out.push({
      path: "platform.kubernetes.bootstrapIdentityClientId",
      message:
        "(unset) is required on Azure: the bootstrap Job reads the administrator password with its own workload identity, not the application's",
    });
  }
  if (raw.kind === "azure" && raw.kubernetes?.enabled && !raw.kubernetes.workloadIdentityClientId) {
    out.push({
      path: "platform.kubernetes.workloadIdentityClientId",
      message: "(unset) is required on Azure: the Secrets Store CSI driver reads Key Vault with workload identity",
    });
  }
  return out;
}

function resolveStorage(s: StorageInput): ResolvedStorage {
  return s.type === "Premium_LRS" ? { ...s, tier: s.tier ?? baselineTierFor(s.sizeGB) } : s;
}

/**
 * The reader endpoint's target: as configured, else the first replica outside the primary's region — the one a region
 * loss promotes, and a promotion to primary needs its target in the reader endpoint (D70) — else the first replica.
 */
export function readerTargetFor(c: AzurePlatformInput): string | undefined {
  const v = c.virtualEndpoints;
  if (!v) return undefined;
  return v.readerTarget ?? (c.replicas.find((r) => r.region !== c.location) ?? c.replicas[0])?.name;
}

function resolveAzure(c: AzurePlatformInput, secretKeys: SecretKeyPresence): AzurePlatform {
  const storage = resolveStorage(c.server.storage);
  const mw = c.server.maintenanceWindow;
  const { virtualEndpoints, primaryRegion: configuredPrimaryRegion, longTermBackup, ...rest } = c;
  const readerTarget = readerTargetFor(c);
  const primaryRegion = configuredPrimaryRegion ?? c.location;
  const switched = primaryRegion !== c.location && readerTarget !== undefined;
  return {
    ...rest,
    primaryRegion,
    currentPrimaryName: switched ? readerTarget : c.server.name,
    ...(virtualEndpoints && readerTarget ? { virtualEndpoints: { name: virtualEndpoints.name, readerTarget } } : {}),
    ...(longTermBackup
      ? {
          longTermBackup: {
            ...longTermBackup,
            scheduleUtc: toUtcWindow(
              longTermBackup.schedule.dayOfWeek,
              longTermBackup.schedule.startTime,
              longTermBackup.schedule.utcOffsetHours,
            ),
          },
        }
      : {}),
    passwords: { ...c.passwords, expires: rotationExpiry(c.passwords.rotation, c.passwords.rotationPeriodDays) },
    server: { ...c.server, storage, maintenanceWindowUtc: toUtcWindow(mw.dayOfWeek, mw.startTime, mw.utcOffsetHours) },
    replicas: c.replicas.map((r) => ({
      name: r.name,
      region: r.region,
      ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
      ...(r.purpose !== undefined ? { purpose: r.purpose } : {}),
      sku: r.sku ?? c.server.sku,
      storage: r.storage ? resolveStorage(r.storage) : storage,
      maxConnections: r.maxConnections ?? c.server.maxConnections,
      crossRegion: r.region !== c.location,
    })),
    secretKeys,
  };
}

/**
 * Validates `raw` (the value of `authdb:platform`) and returns the resolved platform, or throws a ConfigError listing
 * every problem found.
 */
export function parsePlatform(
  raw: unknown,
  secretKeys: SecretKeyPresence,
  otherConfig: readonly ConfigEntry[] = [],
): Platform {
  const leaks = [...plainTextSecrets(raw), ...configEntryIssues(otherConfig)];
  const strict = platformSchema.safeParse(raw, { reportInput: true });
  const shapeIssues = strict.success ? [] : zodIssues(strict.error);
  // With only unknown keys wrong, the lenient parse still yields a config the cross-field rules can judge.
  const parsed = strict.success ? strict : lenientPlatformSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError([...leaks, ...shapeIssues]);
  const c = parsed.data;
  const ruleIssues =
    c.kind === "azure" ? AZURE_RULES.flatMap((rule) => rule(c)) : LOCAL_RULES.flatMap((rule) => rule(c));
  const issues = [...leaks, ...shapeIssues, ...secretKeyIssues(c, secretKeys), ...ruleIssues];
  if (issues.length > 0) throw new ConfigError(issues);
  return c.kind === "azure" ? resolveAzure(c, secretKeys) : { ...c, secretKeys };
}

/** vCores of a SKU (for display and sizing decisions). */
export function skuVCores(skuName: string): number | undefined {
  return SKUS[skuName]?.vCores;
}
