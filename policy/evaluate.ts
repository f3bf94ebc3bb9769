/**
 * The offline policy runner: evaluates the pack's rules against the resources the mock run captured, building the same
 * arguments CrossGuard builds (policy.js `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`), so `npm run plan` and
 * `pulumi preview --policy-pack ./policy` judge with one implementation.
 *
 * Differences from CrossGuard, on purpose:
 * - props are the registered inputs (secrets revealed, as CrossGuard unwraps them too); CrossGuard's stack validation
 *   sees the provider's outputs instead, which for azure-native repeat the inputs the rules read, minus input-only
 *   names — that is why the stack rules fall back to dependency URNs.
 * - each PolicyResource also carries the names of its secret inputs (CrossGuard cannot know them), for A4.
 * - enforcement follows `options.environment` (`enforcementIn`), as `--policy-pack-config policy/config/nonprod.json` does.
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  Severity,
  StackValidationArgs,
} from "@pulumi/policy";
import { ALL_POLICIES, enforcementIn } from "./pack.js";
import { type AuthdbPolicy, isStackPolicy } from "./rule.js";
import { SECRET_INPUTS_KEY } from "./rules/identity/requireSecretInputs.js";

/**
 * What the evaluator needs of a registered resource: the registration as the engine saw it, with the inputs' secret
 * values revealed (as CrossGuard reveals them) and the names of the inputs that were secret. The plan tooling's captured
 * resources have this shape; the evaluator does not depend on how they were captured.
 */
export interface RegisteredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** Provider reference `<urn>::<id>`, when the resource has an explicit provider. */
  readonly provider: string | null;
  /** Inputs as registered, secret values revealed. */
  readonly rawInputs: Record<string, unknown>;
  /** Top-level input names whose value is (or contains) a secret. */
  readonly secretInputs: readonly string[];
}

export interface Violation {
  readonly policy: string;
  readonly catalogueId: string;
  readonly severity: Severity;
  readonly enforcement: "mandatory" | "advisory";
  /** The resource in violation; "" for a stack-level violation that names none. */
  readonly urn: string;
  readonly message: string;
}

export interface EvaluateOptions {
  /** The stack's environment (prod, dev, local): decides enforcement and environment-dependent floors. */
  readonly environment: string;
  /** Per-policy config, as in a `--policy-pack-config` file (the environment is added to each). */
  readonly config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Defaults to the whole pack. */
  readonly policies?: readonly AuthdbPolicy[];
}

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function pulumiTypeOf(resourceClass: unknown): string | undefined {
  const t = (resourceClass as { __pulumiType?: unknown } | null)?.__pulumiType;
  return typeof t === "string" ? t : undefined;
}

function optionsOf(r: RegisteredResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [...r.ignoreChanges],
    deleteBeforeReplace: r.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

function providerOf(r: RegisteredResource): ResourceValidationArgs["provider"] {
  if (!r.provider) return undefined;
  // Provider references are "<urn>::<id>"; the URN's last segment is the provider's name, the one before its type.
  const urn = r.provider.replace(/::[^:]*$/, "");
  const parts = urn.split("::");
  return { type: parts[parts.length - 2] ?? "", props: {}, urn, name: parts[parts.length - 1] ?? "" };
}

/** PolicyResource objects with parent and dependencies linked as objects, as CrossGuard does for stack policies. */
function policyResources(resources: readonly RegisteredResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource & { [SECRET_INPUTS_KEY]: readonly string[] }>();
  for (const r of resources) {
    const provider = providerOf(r);
    byUrn.set(r.urn, {
      type: r.type,
      props: r.rawInputs,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => pulumiTypeOf(cls) === r.type,
      asType: ((cls: unknown) => (pulumiTypeOf(cls) === r.type ? r.rawInputs : undefined)) as PolicyResource["asType"],
      [SECRET_INPUTS_KEY]: r.secretInputs,
    });
  }
  for (const r of resources) {
    const self = byUrn.get(r.urn)!;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) self.parent = parent;
    self.dependencies = r.dependsOn.map((u) => byUrn.get(u)).filter((d): d is NonNullable<typeof d> => d !== undefined);
  }
  return [...byUrn.values()];
}

function settle(result: unknown, policy: string): void {
  if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
    throw new Error(
      `policy ${policy} validated asynchronously; the offline runner (and npm run plan) needs synchronous rules`,
    );
  }
}

/** Runs every policy over the captured resources and returns the violations, mandatory first, then by policy, URN, message. */
export function evaluatePolicies(resources: readonly RegisteredResource[], options: EvaluateOptions): Violation[] {
  const policies = options.policies ?? ALL_POLICIES;
  const violations: Violation[] = [];
  const stackResources = policyResources(resources);

  for (const policy of policies) {
    const enforcement = enforcementIn(policy, options.environment);
    const getConfig = <T extends object>(): T =>
      ({ environment: options.environment, ...(options.config?.[policy.name] ?? {}) }) as unknown as T;
    const record = (urn: string) => (message: string, violationUrn?: string) =>
      violations.push({
        policy: policy.name,
        catalogueId: policy.meta.catalogueId,
        severity: policy.severity,
        enforcement,
        urn: violationUrn ?? urn,
        message,
      });

    if (isStackPolicy(policy)) {
      const args: StackValidationArgs = { resources: stackResources, stackTags: new Map(), getConfig, notApplicable };
      try {
        settle(policy.validateStack(args, record("")), policy.name);
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
      continue;
    }

    const validations =
      policy.validateResource === undefined
        ? []
        : Array.isArray(policy.validateResource)
          ? policy.validateResource
          : [policy.validateResource];
    for (const r of stackResources) {
      for (const validate of validations) {
        // The same shortcut CrossGuard takes for functions that carry their resource type.
        const only = pulumiTypeOf(validate);
        if (only !== undefined && only !== r.type) continue;
        const provider = r.provider;
        const args: ResourceValidationArgs = {
          type: r.type,
          props: r.props,
          urn: r.urn,
          name: r.name,
          opts: r.opts,
          ...(provider ? { provider } : {}),
          stackTags: new Map(),
          isType: (cls) => r.isType(cls),
          asType: ((cls: never) => r.asType(cls)) as unknown as ResourceValidationArgs["asType"],
          getConfig,
          notApplicable,
        };
        try {
          settle(validate(args, record(r.urn)), policy.name);
        } catch (e) {
          if (!(e instanceof NotApplicable)) throw e;
        }
      }
    }
  }

  const rank = (v: Violation) => (v.enforcement === "mandatory" ? 0 : 1);
  // Code-unit order, not localeCompare: the plan's output must not depend on the machine's locale.
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return violations.sort(
    (a, b) => rank(a) - rank(b) || cmp(a.policy, b.policy) || cmp(a.urn, b.urn) || cmp(a.message, b.message),
  );
}

/** True when the plan must fail: at least one mandatory violation. */
export function hasMandatoryViolation(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.enforcement === "mandatory");
}
