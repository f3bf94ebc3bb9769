/**
 * The component provider out of process, started the way pulumi-language-nodejs starts a `runtime: nodejs` plugin
 * (node @pulumi/pulumi/cmd/run-plugin <package dir> <engine address>, which require()s package.json "main"): it prints
 * its port, answers GetSchema with the checked-in schema (D82), and answers Construct as the engine calls it for a C#
 * program's `new Platform(...)` — against a resource monitor this test serves over gRPC, which answers every
 * registration with the offline plan's mocks (tools/offline.ts mocksFor), so what the provider registers can be
 * compared with what `npm run plan -- --stack prod` registers (D85).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformArgs } from "../../stacks/platform-args.js";
import {
  type CapturedResource,
  MOCK_SECRET_MARKER,
  capturedResource,
  mocksFor,
  readStackFile,
  runStackFile,
} from "../../tools/offline.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const providerServices = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const providerMessages = require("@pulumi/pulumi/proto/provider_pb.js");
const resourceServices = require("@pulumi/pulumi/proto/resource_grpc_pb.js");
const resourceMessages = require("@pulumi/pulumi/proto/resource_pb.js");
const engineServices = require("@pulumi/pulumi/proto/engine_grpc_pb.js");
const engineMessages = require("@pulumi/pulumi/proto/engine_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const rpc = require("@pulumi/pulumi/runtime/rpc.js");
const runtimeState = require("@pulumi/pulumi/runtime/state.js");
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const PROJECT = "authdb";
const STACK = "prod";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
// The same stand-in the plan uses for the secret the deployer sets (tools/offline.ts runStackFile).
const WEBHOOK = `${MOCK_SECRET_MARKER}authdb:teamsWebhookUrl`;

type Callback = (err: Error | null, resp?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => void;

/** Binds a gRPC server on 127.0.0.1:0 with the given services; resolves to its address. */
async function serve(services: [unknown, Record<string, Handler>][]): Promise<{ address: string; close(): void }> {
  const server = new grpc.Server();
  for (const [definition, handlers] of services) server.addService(definition as any, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

/** Wraps an async handler: a rejection becomes the gRPC error, as the engine reports a failed call. */
const handle =
  (fn: (req: any) => unknown): Handler =>
  (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (resp) => callback(null, resp),
        (err: Error) => callback(Object.assign(err, { details: (err as { details?: string }).details ?? err.message })),
      );
  };

/**
 * A resource monitor over gRPC: each registration is recorded as the plan records it (capturedResource) and answered
 * with the plan's mock state; URNs are spelt as the SDK's mock monitor spells them (runtime/mocks.js newUrn), so they
 * compare with the plan's. Features: what the plan's mocks declare (setMocks: everything but output values).
 */
async function mockMonitor() {
  const mocks = mocksFor();
  const registered: CapturedResource[] = [];
  const newUrn = (parent: string, type: string, name: string) => {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${STACK}::${PROJECT}::${qualified}::${name}`;
  };
  const server = await serve([
    [
      resourceServices.ResourceMonitorService,
      {
        supportsFeature: handle((req) => {
          const resp = new resourceMessages.SupportsFeatureResponse();
          resp.setHassupport(req.getId() !== "outputValues");
          return resp;
        }),
        registerResource: handle(async (req) => {
          const result = await mocks.newResource({
            type: req.getType(),
            name: req.getName(),
            inputs: rpc.deserializeProperties(req.getObject()),
            provider: req.getProvider(),
            custom: req.getCustom(),
            id: req.getImportid(),
          });
          const urn = newUrn(req.getParent(), req.getType(), req.getName());
          registered.push(capturedResource(req, urn, { project: PROJECT, stack: STACK }));
          const resp = new resourceMessages.RegisterResourceResponse();
          resp.setUrn(urn);
          resp.setId(result.id ?? "");
          resp.setObject(Struct.fromJavaScript(await rpc.serializeProperties("mock", result.state)));
          return resp;
        }),
        registerResourceOutputs: handle(() => new Empty()),
        invoke: handle(async (req) => {
          const result = await mocks.call({
            token: req.getTok(),
            inputs: rpc.deserializeProperties(req.getArgs()),
            provider: req.getProvider(),
          });
          const resp = new providerMessages.InvokeResponse();
          resp.setReturn(Struct.fromJavaScript(await rpc.serializeProperties("mock", result)));
          return resp;
        }),
        registerPackage: handle(() => {
          const resp = new resourceMessages.RegisterPackageResponse();
          resp.setRef("mock-package");
          return resp;
        }),
      },
    ],
  ]);
  return { ...server, registered };
}

/** The engine the plugin logs to. */
async function mockEngine() {
  const logs: string[] = [];
  const server = await serve([
    [
      engineServices.EngineService,
      {
        log: handle((req) => {
          logs.push(req.getMessage());
          return new Empty();
        }),
        getRootResource: handle(() => {
          const resp = new engineMessages.GetRootResourceResponse();
          resp.setUrn(STACK_URN);
          return resp;
        }),
        setRootResource: handle(() => new engineMessages.SetRootResourceResponse()),
      },
    ],
  ]);
  return { ...server, logs };
}

/** Starts the plugin as the language host does and resolves to the port it prints. */
function startPlugin(engineAddress: string): { child: ChildProcess; port: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), ROOT, engineAddress], {
    cwd: ROOT,
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const port = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = /^(\d+)\s*$/m.exec(out);
      if (line) resolve(line[1]);
    });
    child.on("exit", (code) => reject(new Error(`plugin exited (${code}): ${stderr}`)));
  });
  return { child, port, stderr: () => stderr };
}

/** The prod stack's platform args as a program would pass them, the webhook a secret (tools/plan.ts reads the same file). */
function prodArgs(): PlatformArgs {
  return readStackFile("Pulumi.prod.yaml").config["authdb:platform"] as PlatformArgs;
}

/** Registrations as a comparable set: one line per resource (type, name, parent), sorted. */
const tree = (resources: readonly CapturedResource[]) =>
  resources.map((r) => `${r.type} ${r.name} <- ${r.parent ?? ""}`).sort();

/** Which lines one set has that the other lacks; [] when the two register the same resources. */
function difference(expected: readonly string[], actual: readonly string[]): string[] {
  const a = new Set(actual);
  const e = new Set(expected);
  return [
    ...expected.filter((x) => !a.has(x)).map((x) => `missing: ${x}`),
    ...actual.filter((x) => !e.has(x)).map((x) => `extra: ${x}`),
  ];
}

describe("component provider plugin", () => {
  let engine: Awaited<ReturnType<typeof mockEngine>>;
  let plugin: ReturnType<typeof startPlugin>;
  let client: any;

  before(async () => {
    engine = await mockEngine();
    plugin = startPlugin(engine.address);
    client = new providerServices.ResourceProviderClient(
      `127.0.0.1:${await plugin.port}`,
      grpc.credentials.createInsecure(),
    );
    // Inputs are encoded here as a Pulumi SDK encodes them for an engine that supports secrets.
    runtimeState.getStore().supportsSecrets = true;
  });
  after(() => {
    client?.close();
    plugin?.child.kill();
    engine?.close();
  });

  /** Calls Construct for `authdb:index:Platform` named "platform" under the stack, against a fresh mock monitor. */
  async function construct(args: Record<string, unknown>) {
    const monitor = await mockMonitor();
    try {
      const req = new providerMessages.ConstructRequest();
      req.setProject(PROJECT);
      req.setStack(STACK);
      req.setDryrun(true);
      req.setParallel(16);
      req.setMonitorendpoint(monitor.address);
      req.setType("authdb:index:Platform");
      req.setName("platform");
      req.setParent(STACK_URN);
      req.setInputs(Struct.fromJavaScript(await rpc.serializeProperties("construct", args)));
      const outcome = await new Promise<{ error?: Error & { details?: string }; response?: any }>((resolve) =>
        client.construct(req, (error: Error | null, response: unknown) => resolve(error ? { error } : { response })),
      );
      return { ...outcome, registered: [...monitor.registered] };
    } finally {
      monitor.close();
    }
  }

  it("starts from the package directory, prints its port and serves GetSchema = schema.json", async () => {
    const schema = await new Promise<string>((resolve, reject) =>
      client.getSchema(new providerMessages.GetSchemaRequest(), (err: Error | null, res: { getSchema(): string }) =>
        err ? reject(err) : resolve(res.getSchema()),
      ),
    );
    const served = JSON.parse(schema);
    assert.deepEqual(served, JSON.parse(readFileSync(new URL("../../schema.json", import.meta.url), "utf8")));
    assert.ok(served.resources["authdb:index:Platform"].isComponent);
  });

  describe("Construct with the prod stack's platform args", () => {
    let plan: CapturedResource[];
    let built: Awaited<ReturnType<typeof construct>>;
    before(async () => {
      built = await construct({ ...prodArgs(), teamsWebhookUrl: pulumi.secret(WEBHOOK) });
      // The offline plan of the prod stack file, run in this process after the provider has answered.
      plan = (await runStackFile("prod")).resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    });

    it("answers with the component's URN and its outputs, and registers what the plan registers", () => {
      assert.equal(built.error, undefined, `${built.error?.details}\n${engine.logs.join("\n")}\n${plugin.stderr()}`);
      assert.equal(
        built.response.getUrn(),
        `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack$authdb:index:Platform::platform`,
      );
      const state = built.response.getState().toJavaScript();
      assert.equal(state.primaryServerName, "phonebill-auth-postgresql-prod");
      assert.equal(state.environment, "prod");
      assert.ok(plan.length > 100, `the plan registers ${plan.length} resources`);
      assert.deepEqual(difference(tree(plan), tree(built.registered)), []);
    });

    it("registers each resource with the plan's inputs, options and dependencies", () => {
      const byUrn = new Map(built.registered.map((r) => [r.urn, r]));
      const differing = plan
        .filter((r) => JSON.stringify(r) !== JSON.stringify(byUrn.get(r.urn)))
        .map((r) => `${r.type} ${r.name}`);
      assert.deepEqual(differing, []);
    });

    it("negative control: a set with one resource dropped, or a construct without a replica, does not compare equal", async () => {
      const dropped = tree(built.registered.filter((r) => r.name !== "postgres-primary"));
      assert.deepEqual(difference(tree(plan), dropped), [
        `missing: azure-native:dbforpostgresql:Server postgres-primary <- ${plan.find((r) => r.name === "postgres-primary")!.parent}`,
      ]);
      const args = prodArgs();
      const fewer = await construct({
        ...args,
        replicas: args.replicas!.filter((r) => r.region !== "koreacentral"),
        teamsWebhookUrl: pulumi.secret(WEBHOOK),
      });
      assert.equal(fewer.error, undefined, fewer.error?.details);
      const missing = difference(tree(plan), tree(fewer.registered));
      // Exactly the Korea Central replica's resources go missing (its server, parameters, restart, alerts,
      // diagnostics, Defender setting), nothing else changes.
      assert.ok(
        missing.includes(
          `missing: azure-native:dbforpostgresql:Server postgres-replica-phonebill-auth-postgresql-prod-krc <- ${plan.find((r) => r.name === "postgres-replica-phonebill-auth-postgresql-prod-krc")!.parent}`,
        ),
        missing.join("\n"),
      );
      assert.deepEqual(
        missing.filter(
          (line) => !line.startsWith("missing: ") || !/phonebill-auth-postgresql-prod-krc(-|\s)/.test(line),
        ),
        [],
      );
    });
  });

  it("rejects invalid args naming each key in the schema's spelling, and registers nothing, not even the component", async () => {
    const args = prodArgs();
    const bad = {
      ...args,
      server: { ...args.server!, maxConnections: 10, pgBouncr: { enabled: true } },
      keyVault: { ...args.keyVault!, name: "1-bad" },
      teamsWebhookUrl: pulumi.secret(WEBHOOK),
    };
    const { error, registered } = await construct(bad);
    assert.ok(error, "Construct must fail");
    for (const key of ["platform.server.maxConnections", "platform.server", "platform.keyVault.name"])
      assert.match(error.details ?? "", new RegExp(`- ${key.replace(/\./g, "\\.")}: `), key);
    assert.match(error.details ?? "", /pgBouncr/);
    assert.doesNotMatch(error.details ?? "", new RegExp(MOCK_SECRET_MARKER));
    assert.deepEqual(registered, []);
  });
});
