/**
 * What every authdb policy carries besides CrossGuard's own fields, and the small helpers the rules share. The rules
 * are plain CrossGuard policy objects, so the same object runs inside `pulumi preview --policy-pack ./policy` and inside
 * `npm run plan` (policy/evaluate.ts builds the same arguments CrossGuard would).
 */
import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { CatalogueId } from "./catalogue.js";

/** The two levels authdb uses; `remediate` and `disabled` are left to whoever runs the pack with a config file. */
export type Enforcement = Extract<EnforcementLevel, "mandatory" | "advisory">;

export interface RuleMeta {
  /** Row of the policy catalogue (policy/catalogue.ts, rendered in docs/policies.md); its area is the rule's folder. */
  readonly catalogueId: CatalogueId;
  /** External rule ids the row merges (AP = Azure Policy GUID prefix, CIS, CKV, AZU, Prowler, APRL) and requirement ids (R-…). */
  readonly sources: readonly string[];
  /**
   * Enforcement in the prod stack and in every other stack. The CrossGuard `enforcementLevel` is the prod level (the
   * pack is strict unless told otherwise); `policy/config/nonprod.json` lowers the rest for other stacks.
   */
  readonly enforcement: { readonly prod: Enforcement; readonly other: Enforcement };
  /** Why the rule exists, one sentence (rendered into docs/policies.md). */
  readonly why: string;
}

export type AuthdbResourcePolicy = ResourceValidationPolicy & { readonly severity: Severity; readonly meta: RuleMeta };
export type AuthdbStackPolicy = StackValidationPolicy & { readonly severity: Severity; readonly meta: RuleMeta };
export type AuthdbPolicy = AuthdbResourcePolicy | AuthdbStackPolicy;

export function isStackPolicy(p: AuthdbPolicy): p is AuthdbStackPolicy {
  return "validateStack" in p;
}

/** Levels for rules whose breach loses data or hides its loss: hard in prod, a warning where the stack is deliberately cheaper. */
export const PROD_ONLY: RuleMeta["enforcement"] = { prod: "mandatory", other: "advisory" };
/** Levels for rules whose breach exposes the database or weakens authentication: hard everywhere. */
export const EVERYWHERE: RuleMeta["enforcement"] = { prod: "mandatory", other: "mandatory" };
/** Levels for recommendations the plan deliberately does not (yet) follow. */
export const ADVISORY: RuleMeta["enforcement"] = { prod: "advisory", other: "advisory" };

// ---------------------------------------------------------------------------------------------------------------------
// Environment

/** Per-policy config every environment-dependent rule accepts (`--policy-pack-config`). */
export interface EnvironmentConfig {
  readonly environment?: string;
}

export const ENVIRONMENT_CONFIG_SCHEMA = {
  properties: {
    environment: {
      type: "string" as const,
      description: "Stack environment (prod, dev, …). Defaults to the stack name in the resource URNs.",
    },
  },
};

/** The stack name inside a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOfUrn(urn: string): string {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m ? m[1] : "";
}

/**
 * The environment a rule judges: the policy config's `environment` when given, else the stack name. authdb names its
 * stacks after their environment (prod, dev, local), so CrossGuard needs no config for the committed stacks.
 */
export function environmentOf(getConfig: () => EnvironmentConfig, urn: string): string {
  const configured = getConfig().environment;
  return typeof configured === "string" && configured !== "" ? configured : stackOfUrn(urn);
}

// ---------------------------------------------------------------------------------------------------------------------
// Resource types (registered type tokens: the version-less azure-native modules, API 2025-08-01 by default)

export const T = {
  server: "azure-native:dbforpostgresql:Server",
  configuration: "azure-native:dbforpostgresql:Configuration",
  firewallRule: "azure-native:dbforpostgresql:FirewallRule",
  entraAdmin: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  privateZone: "azure-native:privatedns:PrivateZone",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  metricAlert: "azure-native:monitor:MetricAlert",
  scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
  activityLogAlert: "azure-native:monitor:ActivityLogAlert",
  actionGroup: "azure-native:monitor:ActionGroup",
  lock: "azure-native:authorization:ManagementLockByScope",
  genericResource: "azure-native:resources:Resource",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  threatProtection: "azure-native:security:AdvancedThreatProtection",
  pricing: "azure-native:security:Pricing",
  randomPassword: "random:index/randomPassword:RandomPassword",
  backupVault: "azure-native:dataprotection:BackupVault",
  backupInstance: "azure-native:dataprotection:BackupInstance",
  virtualEndpoint: "azure-native:dbforpostgresql:VirtualEndpoint",
} as const;

// ---------------------------------------------------------------------------------------------------------------------
// Property access (props are untyped JSON; these keep the rules readable)

export type Props = Record<string, unknown>;

export function obj(v: unknown): Props {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Props) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Azure names are case-insensitive; ARM ids compare that way too. */
export function sameName(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

/** True when `id` is an ARM id whose `<segment>/<name>` part names the resource (e.g. flexibleServers/<server>). */
export function armIdNames(id: unknown, segment: string, name: unknown): boolean {
  if (typeof id !== "string" || typeof name !== "string" || name === "") return false;
  const parts = id.toLowerCase().split("/");
  const i = parts.lastIndexOf(segment.toLowerCase());
  return i >= 0 && parts[i + 1] === name.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------------
// PostgreSQL servers as the stack rules see them

export interface ServerView {
  readonly resource: PolicyResource;
  readonly serverName: string;
  readonly isReplica: boolean;
}

export function isReplicaProps(props: Props): boolean {
  return sameName(props.createMode, "Replica") || typeof props.sourceServerResourceId === "string";
}

/** Component type that declares, as its `currentPrimaryServerName` input, which server is primary today (D72). */
export const SERVERS_COMPONENT = "authdb:azure:PostgresServers";

/** The server the stack says is primary today, when it says so (after a switchover it is the promoted replica). */
export function currentPrimaryServerName(resources: readonly PolicyResource[]): string | undefined {
  return resources
    .map((r) => (r.type === SERVERS_COMPONENT ? str(r.props.currentPrimaryServerName) : undefined))
    .find(Boolean);
}

/** The servers with the roles they were configured with (createMode/sourceServerResourceId, create-only). */
export function serversOf(resources: readonly PolicyResource[]): ServerView[] {
  return resources
    .filter((r) => r.type === T.server)
    .map((r) => ({ resource: r, serverName: str(r.props.serverName) ?? r.name, isReplica: isReplicaProps(r.props) }));
}

/**
 * The servers with today's roles, for the rules about what a role needs while it runs (HA, replication-lag alerts):
 * the stack's declared primary if it declares one. Structure that stays with the configured roles (the lock, the Entra
 * administrator, a replica's create-time arguments) is judged with serversOf.
 */
export function serversToday(resources: readonly PolicyResource[]): ServerView[] {
  const primary = currentPrimaryServerName(resources);
  return serversOf(resources).map((s) => (primary ? { ...s, isReplica: s.serverName !== primary } : s));
}

export function dependsOn(r: PolicyResource, target: PolicyResource): boolean {
  return (
    r.dependencies.some((d) => d.urn === target.urn) ||
    Object.values(r.propertyDependencies).some((ds) => ds.some((d) => d.urn === target.urn))
  );
}

/**
 * Whether `r` (a Configuration, lock, alert, diagnostic setting …) belongs to `server`. The dependency URN is the
 * robust signal (it survives previews where ids are unknown); ids and names are the fallback when a resource was
 * wired by plain string. `nameFields` are the props that carry the server's name or id.
 */
export function targetsServer(
  r: PolicyResource,
  server: ServerView,
  nameFields: readonly string[],
  idFields: readonly string[] = [],
): boolean {
  for (const f of nameFields) {
    // A resource that names its server explicitly is judged by that name alone: a configuration chained after the
    // primary's last one depends on the primary but belongs to the replica it names.
    if (typeof r.props[f] === "string") return sameName(r.props[f], server.serverName);
  }
  for (const f of idFields) {
    const values = Array.isArray(r.props[f]) ? (r.props[f] as unknown[]) : [r.props[f]];
    if (values.some((v) => armIdNames(v, "flexibleServers", server.serverName))) return true;
  }
  return dependsOn(r, server.resource);
}

/** The server's parameter value as the stack sets it (`undefined` when no user-override Configuration exists). */
export function parameterValue(
  resources: readonly PolicyResource[],
  server: ServerView,
  parameter: string,
): string | undefined {
  const config = resources.find(
    (r) =>
      r.type === T.configuration &&
      sameName(r.props.configurationName ?? r.props.name, parameter) &&
      targetsServer(r, server, ["serverName"]) &&
      (r.props.source === undefined || sameName(r.props.source, "user-override")),
  );
  return config ? str(config.props.value) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Builders: each rule file states its metadata and its check; these fill in the CrossGuard fields consistently.

export interface ResourceRuleSpec {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly meta: RuleMeta;
  /** The resource type the rule judges; other types are reported not applicable, as validateResourceOfType does. */
  readonly type: string;
  readonly configSchema?: ResourceValidationPolicy["configSchema"];
  readonly check: (props: Props, args: ResourceValidationArgs, report: (message: string) => void) => void;
}

export function resourceRule(spec: ResourceRuleSpec): AuthdbResourcePolicy {
  const validate = (args: ResourceValidationArgs, reportViolation: (message: string, urn?: string) => void): void => {
    if (args.type !== spec.type) args.notApplicable(`applies to ${spec.type} only`);
    spec.check(args.props, args, (message) => reportViolation(`[${spec.meta.catalogueId}] ${message}`));
  };
  // CrossGuard skips a policy for other types without calling it when the function carries the type
  // (what validateResourceOfType attaches); the offline evaluator reads the same marker.
  (validate as unknown as { __pulumiType: string }).__pulumiType = spec.type;
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    enforcementLevel: spec.meta.enforcement.prod,
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    meta: spec.meta,
    validateResource: validate,
  };
}

export interface StackRuleSpec {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly meta: RuleMeta;
  readonly configSchema?: StackValidationPolicy["configSchema"];
  readonly check: (
    resources: readonly PolicyResource[],
    args: StackValidationArgs,
    report: (message: string, urn?: string) => void,
  ) => void;
}

export function stackRule(spec: StackRuleSpec): AuthdbStackPolicy {
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    enforcementLevel: spec.meta.enforcement.prod,
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    meta: spec.meta,
    validateStack: (args, reportViolation) =>
      spec.check(args.resources, args, (message, urn) => reportViolation(`[${spec.meta.catalogueId}] ${message}`, urn)),
  };
}

/**
 * A server-parameter rule (E1, E2, L1–L8): every server — primary and replica — carries a user-override Configuration
 * whose value passes `problem`. Replicas are judged too: Azure copies parameters to a replica only when it is created
 * (Learn, read replicas: "any changes to the server parameters on the primary server made after creating the read
 * replica aren't automatically replicated"), and a promoted replica keeps its own values.
 */
export function parameterRule(spec: {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly meta: RuleMeta;
  readonly parameters: readonly string[];
  /** Returns a problem description, or undefined when the values are acceptable. */
  readonly problem: (values: Readonly<Record<string, string | undefined>>) => string | undefined;
}): AuthdbStackPolicy {
  return stackRule({
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    meta: spec.meta,
    check: (resources, _args, report) => {
      for (const server of serversOf(resources)) {
        const values = Object.fromEntries(spec.parameters.map((p) => [p, parameterValue(resources, server, p)]));
        const problem = spec.problem(values);
        if (problem) report(`server ${server.serverName}: ${problem}`, server.resource.urn);
      }
    },
  });
}

/** Formats a parameter value for a message (`(not set)` when the stack leaves it at Azure's default). */
export function shown(value: string | undefined): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}
