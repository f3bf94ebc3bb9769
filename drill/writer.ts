/**
 * A steady writer with real libpq failover semantics: it keeps one long-running `psql` connected through a multi-host
 * connection string (`host=a,b port=p1,p2 target_session_attrs=read-write connect_timeout=1`), pipes one
 * `INSERT … RETURNING seq, inet_server_port()` at a time and counts a write as acknowledged only when psql prints the
 * row back (i.e. after COMMIT returned). Non-interactive psql exits when its connection is lost, so on exit the writer
 * starts a new psql after `retryDelayMs`: libpq then walks the host list and settles on whichever server accepts
 * read-write sessions — the local stand-in for Azure's DNS switch. The write that was in flight when the connection died
 * is in doubt, never counted, and its sequence number is not reused.
 */
import type { ChildProcess } from "node:child_process";
import { HOST, type Workspace } from "./cluster.js";
import { eventually } from "./eventually.js";
import { pgBin, sleep, spawnTracked } from "./exec.js";
import { TIMEOUTS } from "./timeouts.js";

export interface Ack {
  seq: number;
  port: number;
  /** performance.now() when psql printed the acknowledgement. */
  at: number;
}

export interface WriterOptions {
  ports: readonly number[];
  table: string;
  db?: string;
  retryDelayMs?: number;
  /** Pause between writes (0 = back to back). */
  pauseMs?: number;
  /**
   * The application's own statement deadline: a write not acknowledged within this time is abandoned (in doubt, never
   * counted) and the session dropped, so the writer moves on. A frozen server keeps its sockets open and its kernel
   * keeps acknowledging TCP, so without a deadline the session waits forever. Undefined = wait.
   */
  ackTimeoutMs?: number;
  applicationName?: string;
  /** First sequence number (a second writer on the same table starts elsewhere). */
  firstSeq?: number;
  /** One address per port (default 127.0.0.1 for all): a server inside a drill network has its own. */
  hosts?: readonly string[];
  /** More libpq keywords, e.g. keepalives and tcp_user_timeout (the kernel's own detection of a dead peer). */
  extraConninfo?: string;
}

export function multiHostConninfo(
  ws: Workspace,
  ports: readonly number[],
  db = "postgres",
  applicationName = "drill-writer",
  hosts?: readonly string[],
): string {
  return [
    `host=${ports.map((_, i) => hosts?.[i] ?? HOST).join(",")}`,
    `port=${ports.join(",")}`,
    `dbname=${db}`,
    "user=postgres",
    "sslmode=require",
    "target_session_attrs=read-write",
    "connect_timeout=1",
    `passfile=${ws.passfile}`,
    `application_name=${applicationName}`,
  ].join(" ");
}

export class FailoverWriter {
  readonly acks: Ack[] = [];
  /** psql sessions started (1 + reconnects). */
  sessions = 0;
  /** Attempts whose psql exited before acknowledging anything (no read-write server reachable). */
  failedAttempts = 0;
  /** Writes abandoned at `ackTimeoutMs`. */
  abandonedWrites = 0;
  private nextSeq: number;
  private running = false;
  private child: ChildProcess | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly ws: Workspace,
    private readonly opts: WriterOptions,
  ) {
    this.nextSeq = opts.firstSeq ?? 1;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.child?.stdin?.end();
    const c = this.child;
    if (c && c.exitCode === null) {
      const t = setTimeout(() => c.kill("SIGKILL"), 3000);
      await new Promise((r) => c.once("exit", r));
      clearTimeout(t);
    }
    await this.loop;
  }

  /** Resolves once `n` acknowledgements have arrived (or rejects after timeoutMs). */
  async waitForAcks(n: number, timeoutMs: number = TIMEOUTS.writerAcksMs): Promise<void> {
    await eventually(() => this.acks.length >= n, {
      timeout: timeoutMs,
      interval: TIMEOUTS.fastPollMs,
      what: `${n} acknowledged writes (have ${this.acks.length})`,
    });
  }

  private async run(): Promise<void> {
    const conninfo = [
      multiHostConninfo(this.ws, this.opts.ports, this.opts.db, this.opts.applicationName, this.opts.hosts),
      this.opts.extraConninfo ?? "",
    ]
      .join(" ")
      .trim();
    while (this.running) {
      const before = this.acks.length;
      await this.session(conninfo);
      if (this.acks.length === before) this.failedAttempts++;
      if (this.running) await sleep(this.opts.retryDelayMs ?? 50);
    }
  }

  private session(conninfo: string): Promise<void> {
    return new Promise((resolve) => {
      this.sessions++;
      const child = spawnTracked(pgBin("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo], {
        stdio: ["pipe", "pipe", "pipe"],
        env: this.ws.clientEnv(),
      });
      this.child = child;
      let buf = "";
      let inFlight: number | undefined;
      let deadline: NodeJS.Timeout | undefined;
      const send = (): void => {
        if (!this.running || child.stdin === null || child.stdin.destroyed) {
          child.stdin?.end();
          return;
        }
        inFlight = this.nextSeq++;
        const timeout = this.opts.ackTimeoutMs;
        if (timeout !== undefined) {
          deadline = setTimeout(() => {
            this.abandonedWrites++;
            child.kill("SIGKILL");
          }, timeout);
        }
        child.stdin.write(
          `INSERT INTO ${this.opts.table}(seq) VALUES (${inFlight}) RETURNING seq, inet_server_port();\n`,
        );
      };
      child.stdin?.on("error", () => undefined);
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line === "connected") {
            send(); // psql reads stdin only once connected: the deadline covers the write, not the host walk
            continue;
          }
          const m = /^(\d+)\|(\d+)$/.exec(line);
          if (m === null) continue;
          const seq = Number(m[1]);
          if (seq === inFlight) {
            clearTimeout(deadline);
            this.acks.push({ seq, port: Number(m[2]), at: performance.now() });
            inFlight = undefined;
            const pause = this.opts.pauseMs ?? 0;
            if (pause > 0) setTimeout(send, pause);
            else send();
          }
        }
      });
      child.stderr?.resume();
      child.once("exit", () => {
        clearTimeout(deadline);
        resolve();
      });
      child.once("error", () => resolve());
      child.stdin?.write("\\echo connected\n");
    });
  }
}

/** Writer acknowledgements per bucket, relative to an origin (e.g. the kill), for the throughput chart. */
export function throughputBuckets(
  acks: readonly Ack[],
  origin: number,
  bucketMs: number,
  fromMs: number,
  toMs: number,
): { startMs: number; writes: number }[] {
  const buckets: { startMs: number; writes: number }[] = [];
  for (let s = fromMs; s < toMs; s += bucketMs) buckets.push({ startMs: s, writes: 0 });
  for (const a of acks) {
    const rel = a.at - origin;
    if (rel < fromMs || rel >= toMs) continue;
    const b = buckets[Math.floor((rel - fromMs) / bucketMs)];
    if (b) b.writes++;
  }
  return buckets;
}
