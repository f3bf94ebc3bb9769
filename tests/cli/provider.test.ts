/**
 * The component provider out of process, started the way pulumi-language-nodejs starts a `runtime: nodejs` plugin
 * (node @pulumi/pulumi/cmd/run-plugin <package dir>, which require()s package.json "main"): it prints its port and
 * answers GetSchema over gRPC with the checked-in schema (D82).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const services = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const messages = require("@pulumi/pulumi/proto/provider_pb.js");
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("component provider plugin", () => {
  it("starts from the package directory, prints its port and serves GetSchema = schema.json", async (t) => {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), ROOT], { cwd: ROOT });
    t.after(() => child.kill());
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const line = /^(\d+)\s*$/m.exec(out);
        if (line) resolve(line[1]);
      });
      child.on("exit", (code) => reject(new Error(`plugin exited (${code}): ${stderr}`)));
    });
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const schema = await new Promise<string>((resolve, reject) =>
      client.getSchema(new messages.GetSchemaRequest(), (err: Error | null, res: { getSchema(): string }) =>
        err ? reject(err) : resolve(res.getSchema()),
      ),
    );
    client.close();
    const served = JSON.parse(schema);
    assert.deepEqual(served, JSON.parse(readFileSync(new URL("../../schema.json", import.meta.url), "utf8")));
    assert.ok(served.resources["authdb:index:Platform"].isComponent);
  });
});
