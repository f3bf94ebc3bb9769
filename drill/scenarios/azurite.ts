/**
 * Azurite, Microsoft's Azure Storage emulator (npm `azurite`, a devDependency), as the offsite repository's Blob
 * endpoint: HTTPS on 127.0.0.1 with a certificate of its own, an account and key generated per run
 * (`AZURITE_ACCOUNTS`, which also disables the well-known development account — node_modules/azurite/README.md,
 * "Customized Storage Accounts & Keys"), data under the workspace. The process is started through exec.ts's tracker,
 * so the drill's emergency teardown kills it; `stop()` kills it in the normal path.
 */
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import { HOST, selfSignedCertificate, type Workspace } from "../cluster.js";
import { eventually } from "../eventually.js";
import { killTree, pidAlive, sleep, spawnTracked } from "../exec.js";
import { TIMEOUTS } from "../timeouts.js";

const AZURITE_BLOB = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "node_modules",
  "azurite",
  "dist",
  "src",
  "blob",
  "main.js",
);
/** A Blob service REST version Azurite 3.37 accepts. */
const API_VERSION = "2021-12-02";

/**
 * The SharedKey signature of a request without a body (Blob service, "Authorize with Shared Key",
 * learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key: VERB, eleven standard headers, the x-ms-
 * headers, then the canonicalized resource `/account/path` with each query parameter as `\nname:value`). With path-style
 * addressing the path itself starts with the account.
 */
export function sharedKeySignature(o: {
  verb: string;
  account: string;
  key: string;
  path: string;
  query: Record<string, string>;
  msHeaders: Record<string, string>;
}): string {
  const headers = Object.keys(o.msHeaders)
    .map((k) => k.toLowerCase())
    .sort()
    .map((k) => `${k}:${o.msHeaders[k]}`)
    .join("\n");
  const query = Object.keys(o.query)
    .sort()
    .map((k) => `\n${k.toLowerCase()}:${o.query[k]}`)
    .join("");
  const stringToSign = [
    o.verb,
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    headers,
    `/${o.account}${o.path}${query}`,
  ].join("\n");
  return createHmac("sha256", Buffer.from(o.key, "base64")).update(stringToSign, "utf8").digest("base64");
}

export class Azurite {
  readonly account = `authdbdrill${randomBytes(3).toString("hex")}`;
  /** Generated per run; handed to pgBackRest through a server-owned 0600 file, never through argv. */
  readonly key = randomBytes(64).toString("base64");
  port = 0;
  private child?: ChildProcess;

  constructor(private readonly ws: Workspace) {}

  /** Azurite's certificate (PEM), its own: see `start`. */
  certFile = "";
  certPem = "";

  async start(): Promise<void> {
    const location = join(this.ws.dir, "azurite");
    this.ws.mkdirServer(location);
    // Its own certificate: pgBackRest 2.45 compares the storage host with the certificate's DNS names only (with an
    // IP-only subjectAltName it fails "unable to find hostname '127.0.0.1' in certificate common name or subject
    // alternative names"), so the name is listed as DNS as well as IP.
    this.certFile = join(location, "azurite.crt");
    const keyFile = join(location, "azurite.key");
    await selfSignedCertificate(keyFile, this.certFile, `IP:${HOST},DNS:${HOST}`);
    this.ws.chownToServer(this.certFile);
    this.certPem = readFileSync(this.certFile, "utf8");
    const child = spawnTracked(
      process.execPath,
      [
        AZURITE_BLOB,
        "--blobHost",
        HOST,
        "--blobPort",
        "0",
        "--location",
        location,
        "--cert",
        this.certFile,
        "--key",
        keyFile,
        "--disableTelemetry",
      ],
      { env: { ...process.env, AZURITE_ACCOUNTS: `${this.account}:${this.key}` } },
    );
    this.child = child;
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (out += d));
    this.port = await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`azurite exited ${child.exitCode}: ${out}`);
        const m = /successfully listens on https:\/\/[\d.]+:(\d+)/.exec(out);
        return m?.[1] ? Number(m[1]) : undefined;
      },
      { timeout: TIMEOUTS.azuriteStartMs, interval: TIMEOUTS.pollMs, what: "Azurite's blob endpoint" },
    );
  }

  /** Create a container (pgBackRest does not create its container: its user guide, "Azure-Compatible Object Store Support"). */
  async createContainer(name: string): Promise<void> {
    const path = `/${this.account}/${name}`;
    const msHeaders = { "x-ms-date": new Date().toUTCString(), "x-ms-version": API_VERSION };
    const query = { restype: "container" };
    const auth = sharedKeySignature({ verb: "PUT", account: this.account, key: this.key, path, query, msHeaders });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: HOST,
          port: this.port,
          method: "PUT",
          path: `${path}?restype=container`,
          ca: this.certPem,
          headers: { ...msHeaders, "Content-Length": "0", Authorization: `SharedKey ${this.account}:${auth}` },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
    if (status !== 201) throw new Error(`creating container ${name}: HTTP ${status}`);
  }

  async stop(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    const pids = killTree(pid);
    for (let i = 0; i < 50 && pids.some(pidAlive); i++) await sleep(50);
    this.child = undefined;
  }
}
