/** The policy pack as Pulumi runs it: `run-policy-pack` loads policy/ and serves the analyzer on a gRPC port. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { it } from "node:test";

it("starts under Pulumi's own policy runner and prints its gRPC port", async () => {
  const child = spawn(
    process.execPath,
    ["../node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js", "127.0.0.1:1", "."],
    { cwd: "policy" },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => resolve(String(d).trim()));
      child.on("exit", (code) => reject(new Error(`pack exited ${code}: ${stderr}`)));
      setTimeout(() => reject(new Error(`no port after 60 s: ${stderr}`)), 60_000).unref();
    });
    assert.match(port, /^\d+$/);
  } finally {
    child.kill();
  }
});
