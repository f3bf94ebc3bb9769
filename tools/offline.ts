/**
 * Runs the real stack program under Pulumi's mocks — no CLI, no cloud, no credentials — and captures every registered
 * resource with its type, parent, dependencies, options and resolved inputs, plus the stack outputs. This is the engine
 * behind `npm run plan` and the mock-based tests.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { SECRET_CONFIG_KEYS } from "../infra/config/load.js";
import type { RegisteredResource } from "../policy/evaluate.js";
import { parse as parseYaml } from "yaml";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";
/** Every mocked secret value starts with this, so tests can prove none leaks. */
export const MOCK_SECRET_MARKER = "MOCK-SECRET-";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_TENANT = "11111111-1111-1111-1111-111111111111";
export const MOCK_DEPLOYER = "22222222-2222-2222-2222-222222222222";
/** Object id of a Backup vault's system-assigned identity under the mocks. */
export const MOCK_BACKUP_VAULT_PRINCIPAL = "44444444-4444-4444-4444-444444444444";

/** A resource as the mock monitor saw its registration (a superset of what the policy evaluator needs). */
export interface CapturedResource extends RegisteredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string | null;
  readonly dependsOn: string[];
  /** Per top-level input, the URNs its value came from (what the engine uses to know which inputs a replacement makes unknown). */
  readonly propertyDependencies?: Record<string, string[]>;
  readonly protect: boolean;
  readonly ignoreChanges: string[];
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: string[];
  /** Output names the registration asked the engine to keep secret (additionalSecretOutputs). */
  readonly additionalSecretOutputs: string[];
  readonly provider: string | null;
  /** Inputs as registered, secrets replaced by "[secret]". */
  readonly inputs: Record<string, unknown>;
  /** Inputs as registered with secret values kept (for tests only; never printed). */
  readonly rawInputs: Record<string, unknown>;
  /** Top-level input names whose value is (or contains) a secret. */
  readonly secretInputs: string[];
  /** The URNs this resource's `aliases` say it was known by before (resolved as the engine resolves them). */
  readonly aliasUrns: string[];
}

export interface OfflineRun {
  readonly project: string;
  readonly stack: string;
  readonly resources: CapturedResource[];
  /** Stack outputs with secrets replaced by "[secret]". */
  readonly outputs: Record<string, unknown>;
  /** Names of the stack outputs that are secret. */
  readonly secretOutputs: string[];
}

/** Reads `Pulumi.<stack>.yaml` (or the given file) into flat config: `{ "authdb:platform": {...}, ... }` and secret keys. */
export function readStackFile(path: string): { config: Record<string, unknown>; secretKeys: string[] } {
  const doc = parseYaml(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      // Ciphertext cannot be decrypted offline; the plan needs only to know the key is a secret.
      config[key] = `${MOCK_SECRET_MARKER}${key}`;
      secretKeys.push(key);
    } else {
      config[key] = value;
    }
  }
  return { config, secretKeys };
}

// ---------------------------------------------------------------------------------------------------------------------
// Mock provider behaviour: deterministic ids and the computed outputs the program reads.

/** Resource-provider path of the ARM id for the types whose path differs from the token. */
const ARM_PROVIDER_PATHS: Record<string, string> = {
  "azure-native:dbforpostgresql:Server": "Microsoft.DBforPostgreSQL/flexibleServers",
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
  "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
  "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  "azure-native:monitor:ActionGroup": "Microsoft.Insights/actionGroups",
};

/** The Azure name of a resource: azure-native calls it `<lowerCamelType>Name` (serverName, vaultName, …). */
function azureName(type: string, logicalName: string, inputs: Record<string, unknown>): string {
  const typeName = type.split(":").pop() ?? "";
  const key = `${typeName.charAt(0).toLowerCase()}${typeName.slice(1)}Name`;
  return typeof inputs[key] === "string" ? inputs[key] : logicalName;
}

function armId(type: string, name: string, inputs: Record<string, unknown>): string {
  const rg = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : "rg";
  const own = azureName(type, name, inputs);
  if (type === "azure-native:resources:ResourceGroup")
    return `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${own}`;
  if (type === "azure-native:network:Subnet" && typeof inputs.virtualNetworkName === "string") {
    return `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}/subnets/${own}`;
  }
  // Backup vaults and what lives in them (their name inputs are vaultName, backupPolicyName, backupInstanceName).
  const vault = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.DataProtection/backupVaults/${typeof inputs.vaultName === "string" ? inputs.vaultName : name}`;
  if (type === "azure-native:dataprotection:BackupVault") return vault;
  if (type === "azure-native:dataprotection:BackupPolicy") return `${vault}/backupPolicies/${own}`;
  if (type === "azure-native:dataprotection:BackupInstance") return `${vault}/backupInstances/${own}`;
  const provider = ARM_PROVIDER_PATHS[type] ?? type.replace(/^azure-native:/, "").replace(/:/g, "/");
  return `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/${provider}/${own}`;
}

/** Registered inputs as the mocks see them: plain JSON of whatever shape each resource type takes. */
type MockInputs = Record<string, unknown> & {
  serverName?: string;
  vaultName?: string;
  properties?: Record<string, unknown>;
  name?: unknown;
};

const digest = (what: string): string => createHash("sha256").update(what).digest("base64");
const mockPem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

function mockState(type: string, name: string, inputs: MockInputs): Record<string, unknown> {
  const base = {
    ...inputs,
    name: type.startsWith("azure-native:") ? azureName(type, name, inputs) : (inputs.name ?? name),
  };
  switch (type) {
    case "random:index/randomBytes:RandomBytes": {
      // Deterministic stand-in bytes (the plan must be byte-identical between runs); never shown, they are secret.
      const bytes = createHash("sha256")
        .update(name)
        .digest()
        .subarray(0, Number(inputs.length ?? 16));
      return { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `${MOCK_SECRET_MARKER}${name}`, bcryptHash: `${MOCK_SECRET_MARKER}${name}-bcrypt` };
    // TLS material (the local twin's CA): placeholder PEM, deterministic per resource name. A private key's body
    // carries the secret marker, so a test can prove it only ever travels as a secret.
    case "tls:index/privateKey:PrivateKey": {
      const secretPem = mockPem("PRIVATE KEY", `${MOCK_SECRET_MARKER}${name}`);
      return {
        ...inputs,
        privateKeyPem: secretPem,
        privateKeyPemPkcs8: secretPem,
        privateKeyOpenssh: `${MOCK_SECRET_MARKER}${name}-openssh`,
        publicKeyPem: mockPem("PUBLIC KEY", digest(`public-key:${name}`)),
        publicKeyOpenssh: `ecdsa-sha2-nistp256 ${digest(`public-key:${name}`)}`,
        publicKeyFingerprintSha256: `SHA256:${digest(`public-key:${name}`)}`,
      };
    }
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: mockPem("CERTIFICATE REQUEST", digest(`csr:${name}`)) };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return {
        ...inputs,
        certPem: mockPem("CERTIFICATE", digest(`certificate:${name}`)),
        validityStartTime: "2026-01-01T00:00:00Z",
        validityEndTime: "2036-01-01T00:00:00Z",
        readyForRenewal: false,
      };
    case "docker:index/image:Image":
      // For a local (unpushed) image the provider reports the image id here.
      return { ...base, repoDigest: `sha256:${createHash("sha256").update(`image:${name}`).digest("hex")}` };
    case "azure-native:dbforpostgresql:Server":
      return { ...base, fullyQualifiedDomainName: `${inputs.serverName}.postgres.database.azure.com` };
    case "azure-native:keyvault:Vault":
      return {
        ...base,
        properties: { ...inputs.properties, vaultUri: `https://${inputs.vaultName}.vault.azure.net/` },
      };
    case "azure-native:operationalinsights:Workspace":
      return { ...base, customerId: "33333333-3333-3333-3333-333333333333" };
    case "azure-native:dataprotection:BackupVault":
      // The system-assigned identity Azure creates with the vault (its object id is what the role assignments name).
      return {
        ...base,
        identity: { ...(inputs.identity as object), principalId: MOCK_BACKUP_VAULT_PRINCIPAL, tenantId: MOCK_TENANT },
      };
    default:
      return base;
  }
}

/**
 * What Azure holds for a server the program reads before registering anything (infra/database/live.ts): the
 * getServer result's fields and the server's configuration values. An offline run has none unless a test supplies
 * them — a plan is what a first deployment would do.
 */
export interface LiveServerFixture {
  readonly server: Record<string, unknown>;
  readonly configurations?: Readonly<Record<string, string>>;
}
export type LiveFixture = Readonly<Record<string, LiveServerFixture>>;

/**
 * The error the engine hands the SDK for a failed invoke: a gRPC error whose `details` carry the provider's message
 * (runtime/invoke.js rethrows `new Error(err.details)`), here Azure's answer for a resource that does not exist.
 */
function notFound(what: string): Error {
  const message = `${what}: Status=404 Code="ResourceNotFound" (offline: no such resource)`;
  return Object.assign(new Error(message), { details: message });
}

/**
 * The mock provider behaviour of every offline run: deterministic ids and the computed outputs the program reads. Also
 * what the component provider's out-of-process test answers its registrations with (tests/cli/provider.test.ts).
 */
export function mocksFor(live: LiveFixture = {}): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs = args.inputs as MockInputs;
      if (!args.custom) return { id: undefined, state: inputs };
      if (args.type === "random:index/randomPassword:RandomPassword")
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, inputs) };
      const id = args.type.startsWith("azure-native:") ? armId(args.type, args.name, inputs) : `${args.name}-id`;
      return { id, state: mockState(args.type, args.name, inputs) };
    },
    call(args) {
      const inputs = args.inputs as { serverName?: string; configurationName?: string };
      switch (args.token) {
        case "azure-native:authorization:getClientConfig":
          return {
            clientId: MOCK_DEPLOYER,
            objectId: MOCK_DEPLOYER,
            subscriptionId: MOCK_SUBSCRIPTION,
            tenantId: MOCK_TENANT,
          };
        case "azure-native:dbforpostgresql:getServer": {
          const found = live[inputs.serverName ?? ""];
          if (!found) throw notFound(`server ${inputs.serverName}`);
          return found.server;
        }
        case "azure-native:dbforpostgresql:getConfiguration": {
          const value = live[inputs.serverName ?? ""]?.configurations?.[inputs.configurationName ?? ""];
          if (value === undefined) throw notFound(`configuration ${inputs.configurationName} of ${inputs.serverName}`);
          return { value };
        }
        default:
          throw new Error(`unmocked invoke ${args.token}`);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Decoding what the monitor received

function containsSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) return true;
  return Object.values(o).some(containsSecret);
}

/** Decodes serialized property values: secrets become "[secret]" (or their value when `reveal`), references their URN. */
function decode(v: unknown, reveal: boolean): unknown {
  if (v === UNKNOWN) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(v)) return v.map((x) => decode(x, reveal));
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) return reveal ? decode(o.value, reveal) : SECRET_PLACEHOLDER;
  if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = decode(o[k], reveal);
  return out;
}

function propertyDependenciesOf(req: RegisterResourceRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap();
  for (const key of [...map.keys()].sort()) {
    const urns = [...new Set(map.get(key)?.getUrnsList() ?? [])].sort();
    if (urns.length > 0) out[key] = urns;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------

/** The two calls of the mock resource monitor the capture wraps (the SDK's monitor is untyped at runtime). */
interface PatchableMonitor {
  registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp: RegisterResourceResponse | undefined) => void,
  ): unknown;
  registerResourceOutputs(
    req: RegisterResourceOutputsRequest,
    callback: (err: unknown, resp: unknown) => void,
  ): unknown;
}

export interface OfflineOptions {
  readonly project?: string;
  readonly stack: string;
  /** Flat config as in a stack file: `{ "authdb:platform": {...} }`. */
  readonly config: Record<string, unknown>;
  /** Config keys that hold secrets (`secure:` in the stack file). */
  readonly secretKeys?: readonly string[];
  /** The program; defaults to the project's own (stacks/program.ts). */
  readonly program?: () => Promise<Record<string, unknown> | undefined>;
  /** Receives each registration as it happens — also when the program later fails. */
  readonly onRegister?: (resource: CapturedResource) => void;
  /** Servers that already exist in Azure (default: none, as before a first deployment). */
  readonly live?: LiveFixture;
}

interface AliasSpec {
  getName(): string;
  getType(): string;
  getStack(): string;
  getProject(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}
interface AliasedRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAliasesList(): { getUrn(): string; getSpec(): AliasSpec | undefined }[];
}

/** The `type` part of a URN (`parent$child` types included), as the engine writes it. */
function qualifiedType(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/**
 * What each alias of a registration resolves to: an alias URN as given, an alias spec as the engine fills it in
 * (unset name, type, stack, project and parent default to the resource's own).
 */
export function aliasUrnsOf(req: AliasedRequest, self: { project: string; stack: string }): string[] {
  return req
    .getAliasesList()
    .map((alias) => {
      const spec = alias.getSpec();
      if (!spec) return alias.getUrn();
      const type = spec.getType() || req.getType();
      const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
      const parentType = parent ? qualifiedType(parent) : "";
      const qualified = parentType && !parentType.endsWith("pulumi:pulumi:Stack") ? `${parentType}$${type}` : type;
      return `urn:pulumi:${spec.getStack() || self.stack}::${spec.getProject() || self.project}::${qualified}::${spec.getName() || req.getName()}`;
    })
    .sort();
}

/** A registration as the plan records it: what the engine was asked to create, secrets redacted in `inputs`. */
export function capturedResource(
  req: RegisterResourceRequest,
  urn: string,
  self: { project: string; stack: string },
): CapturedResource {
  const raw = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent() || null,
    dependsOn: [...new Set<string>(req.getDependenciesList())].sort(),
    propertyDependencies: propertyDependenciesOf(req),
    protect: Boolean(req.getProtect()),
    ignoreChanges: [...req.getIgnorechangesList()].sort(),
    retainOnDelete: Boolean(req.getRetainondelete()),
    deleteBeforeReplace: Boolean(req.getDeletebeforereplace()),
    replaceOnChanges: [...req.getReplaceonchangesList()].sort(),
    additionalSecretOutputs: [...req.getAdditionalsecretoutputsList()].sort(),
    provider: req.getProvider() || null,
    inputs: decode(raw, false) as Record<string, unknown>,
    rawInputs: decode(raw, true) as Record<string, unknown>,
    secretInputs: Object.keys(raw)
      .filter((k) => containsSecret(raw[k]))
      .sort(),
    aliasUrns: aliasUrnsOf(req, self),
  };
}

/**
 * Runs the program under mocks and returns what it registered. Throws what the program throws (e.g. ConfigError),
 * in which case nothing was registered if validation ran first — `registeredBeforeError` tells.
 */
export async function runOffline(opts: OfflineOptions): Promise<OfflineRun> {
  if (opts.program || opts.onRegister || !sharedRuns) return runOfflineOnce(opts);
  return sharedRuns(opts, runOfflineOnce);
}

/**
 * Makes runs of the project's own program (no `program`, no `onRegister`: plain data in, plain data out) go through
 * `runner`, which may share or move them and is handed the in-process run; `undefined` restores running each here.
 * Returns the runner it replaces. The unit tier's shards install one (tests/support/shared-runs.ts).
 */
export function shareProgramRuns(runner: SharedRunner | undefined): SharedRunner | undefined {
  const previous = sharedRuns;
  sharedRuns = runner;
  return previous;
}
export type SharedRunner = (
  opts: OfflineOptions,
  runHere: (opts: OfflineOptions) => Promise<OfflineRun>,
) => Promise<OfflineRun>;
let sharedRuns: SharedRunner | undefined;

async function runOfflineOnce(opts: OfflineOptions): Promise<OfflineRun> {
  const project = opts.project ?? "authdb";
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.config)) flat[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(flat, [...(opts.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(mocksFor(opts.live ?? {}), project, opts.stack, false);

  const captured = new Map<string, CapturedResource>();
  let stackOutputs: Record<string, unknown> = {};
  let stackUrn: string | undefined;
  const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const urn = resp.getUrn();
        if (req.getType() === "pulumi:pulumi:Stack") stackUrn = urn;
        const resource = capturedResource(req, urn, { project, stack: opts.stack });
        captured.set(urn, resource);
        opts.onRegister?.(resource);
      }
      callback(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn() === stackUrn) stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
    return registerOutputs(req, callback);
  };

  const program = opts.program ?? (await import("../stacks/program.js")).program;
  // The program's own failure is held until the runtime has settled, so a failed run leaves no registration in flight
  // (which would otherwise surface later as an unhandled rejection in whatever runs next).
  let failure: { error: unknown } | undefined;
  // The runtime records a stack trace on every promise it makes (runtime/debuggable.js); with tsx's source maps on,
  // mapping those traces is a third of a run. They are never read here, so mapping is off while the program runs.
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  process.setSourceMapsEnabled(false);
  // The same traces are captured at all (new Error().stack per promise): with no frames to capture, a run costs about
  // 45 % less CPU (1.8 → 1.0 s for prod, measured with process.cpuUsage over 6 runs). The cost: an error the program
  // throws carries its message but no stack; AUTHDB_OFFLINE_STACKS=1 keeps the frames for debugging such an error.
  const stackTraceLimit = Error.stackTraceLimit;
  if (process.env.AUTHDB_OFFLINE_STACKS !== "1") Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await program();
      } catch (error) {
        failure = { error };
        return {};
      }
    });
    const settings = (await import("@pulumi/pulumi/runtime/settings.js")) as unknown as {
      waitForRPCs(): Promise<void>;
    };
    await settings.waitForRPCs();
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
    Error.stackTraceLimit = stackTraceLimit;
    // The monitor outlives this run when the next one reuses it: unwrapped, a later run's registrations cannot land in
    // this run's capture.
    monitor.registerResource = register;
    monitor.registerResourceOutputs = registerOutputs;
  }
  if (failure) throw failure.error;

  const resources = [...captured.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return {
    project,
    stack: opts.stack,
    resources,
    outputs: decode(stackOutputs, false) as Record<string, unknown>,
    secretOutputs: Object.keys(stackOutputs)
      .filter((k) => containsSecret(stackOutputs[k]))
      .sort(),
  };
}

/** Runs a stack file (`Pulumi.<stack>.yaml` by default) offline. */
export async function runStackFile(
  stack: string,
  configPath = `Pulumi.${stack}.yaml`,
  program?: OfflineOptions["program"],
): Promise<OfflineRun> {
  const { config, secretKeys } = readStackFile(configPath);
  // Secret keys the deployer sets with `pulumi config set --secret` are not in the committed file; the plan stands in a
  // placeholder so it can show what the stack would create once they are set.
  for (const key of SECRET_CONFIG_KEYS.map((k) => `authdb:${k}`)) {
    if (!(key in config)) {
      config[key] = `${MOCK_SECRET_MARKER}${key}`;
      secretKeys.push(key);
    }
  }
  return runOffline({ stack, config, secretKeys, ...(program ? { program } : {}) });
}
