/** Subprocess helpers: run a command, run it as the PostgreSQL server user, and keep every child we started. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export const PG_BIN = process.env.AUTHDB_PG_BIN ?? "/usr/lib/postgresql/15/bin";
export const pgBin = (name: string): string => `${PG_BIN}/${name}`;

export const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

/** The OS user the server runs as: `postgres` when we are root (PostgreSQL refuses root), else ourselves. */
export const SERVER_USER = "postgres";

/** Wrap a command so that it runs as the server user when we are root. */
export function asServerUser(cmd: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", SERVER_USER, "--", cmd, ...args]] : [cmd, [...args]];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly result: RunResult,
  ) {
    super(
      `${cmd} ${args.join(" ")} exited ${result.code ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

/** Children started through this module and still running; torn down on exit. */
const live = new Set<ChildProcess>();
export const liveChildren = (): ReadonlySet<ChildProcess> => live;

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return track(spawn(cmd, [...args], { stdio: ["ignore", "pipe", "pipe"], ...opts }));
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  cwd?: string;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    }
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = { code, signal, stdout, stderr };
      if (code !== 0 && !opts.allowFailure) reject(new CommandError(cmd, args, result));
      else resolve(result);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export function runAsServer(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [c, a] = asServerUser(cmd, args);
  return run(c, a, opts);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Is a pid alive (signal 0)? A zombie counts as dead. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSyncSafe(`/proc/${pid}/stat`);
    if (stat !== undefined) {
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state === "Z" || state === "X") return false;
    }
  } catch {
    /* not Linux: signal 0 is enough */
  }
  return true;
}

function readFileSyncSafe(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Direct children of a pid (Linux /proc scan). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const stat = readFileSyncSafe(`/proc/${e}/stat`);
    if (stat === undefined) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) out.push(Number(e));
  }
  return out;
}

export function killPid(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** Every descendant of a pid, collected before anything is killed (a killed parent's children are re-parented). */
export function descendantPids(pid: number): number[] {
  const out: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    for (const child of childPids(pending.pop() as number)) {
      out.push(child);
      pending.push(child);
    }
  }
  return out;
}

/**
 * SIGKILLs a process and all its descendants — `runuser` wrappers, `pg_ctl`'s daemonized postmaster, pg_basebackup —
 * and returns every pid it signalled.
 */
export function killTree(pid: number): number[] {
  const pids = [pid, ...descendantPids(pid)];
  for (const p of pids) killPid(p, "SIGKILL");
  return pids;
}

/**
 * Blocks until none of the pids is alive, at most `timeoutMs`. SIGKILL is delivered asynchronously, and a dying process
 * can still write into a directory that is being removed. For synchronous exit paths only.
 */
export function waitGoneSync(pids: readonly number[], timeoutMs = 5_000): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; pids.some(pidAlive) && waited < timeoutMs; waited += 20) Atomics.wait(pause, 0, 0, 20);
}
