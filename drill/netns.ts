/**
 * A network of the drill's own: one Linux network namespace joined to the host by a veth pair, on a /24 of
 * 10.231.0.0/16 that nothing else on this machine uses (the host side is .1, the namespace side .2). A postmaster
 * started inside the namespace (`ip netns exec`) is reachable only across the veth, so the harness can cut it off
 * (`partition`) or slow its path down (`latency`) without touching 127.0.0.1 or any other interface. iproute2 only:
 * this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set), so a partition is the namespace side of the veth
 * set down — the host side loses its carrier, the route stays and packets are dropped silently, no RST and no ICMP, as
 * a cut link looks to TCP. Every lab is removed by its workspace's teardown, also the synchronous one on signals.
 */
import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import { eventually } from "./eventually.js";
import { run } from "./exec.js";

export const LAB_PREFIX = "10.231";

const ipSync = (args: string[]): { status: number | null; stdout: string } => {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "" };
};

/** The first /24 index whose host address and interface names are unused (reads `ip -o addr` and `ip -o link`). */
export function freeLabIndex(addrs: string, links: string, netns: string): number {
  for (let n = 1; n < 255; n++) {
    if (addrs.includes(` ${LAB_PREFIX}.${n}.`) || links.includes(` adb${n}h@`) || links.includes(` adb${n}h:`))
      continue;
    if (netns.split("\n").some((l) => l.split(" ")[0] === `authdb-${n}`)) continue;
    return n;
  }
  throw new Error(`no free ${LAB_PREFIX}.N.0/24 for a drill network`);
}

export class NetLab {
  /** Every lab of this process not yet removed, for the synchronous teardown. */
  static readonly live = new Set<NetLab>();
  readonly ns: string;
  readonly hostIf: string;
  readonly nsIf: string;
  readonly hostAddress: string;
  /** The address a server inside the namespace listens on. */
  readonly address: string;
  readonly subnet: string;
  private removed = false;

  private constructor(readonly index: number) {
    this.ns = `authdb-${index}`;
    this.hostIf = `adb${index}h`;
    this.nsIf = `adb${index}n`;
    this.hostAddress = `${LAB_PREFIX}.${index}.1`;
    this.address = `${LAB_PREFIX}.${index}.2`;
    this.subnet = `${LAB_PREFIX}.${index}.0/24`;
  }

  static async create(): Promise<NetLab> {
    const n = freeLabIndex(
      ipSync(["-o", "-4", "addr"]).stdout,
      ipSync(["-o", "link"]).stdout,
      ipSync(["netns", "list"]).stdout,
    );
    const lab = new NetLab(n);
    NetLab.live.add(lab);
    try {
      await run("ip", ["netns", "add", lab.ns]);
      await run("ip", ["link", "add", lab.hostIf, "type", "veth", "peer", "name", lab.nsIf]);
      await run("ip", ["link", "set", lab.nsIf, "netns", lab.ns]);
      await run("ip", ["addr", "add", `${lab.hostAddress}/24`, "dev", lab.hostIf]);
      await run("ip", ["link", "set", lab.hostIf, "up"]);
      await lab.inNs(["ip", "addr", "add", `${lab.address}/24`, "dev", lab.nsIf]);
      await lab.inNs(["ip", "link", "set", lab.nsIf, "up"]);
      await lab.inNs(["ip", "link", "set", "lo", "up"]);
    } catch (e) {
      lab.removeSync();
      throw e;
    }
    return lab;
  }

  /** `ip netns exec <ns> cmd…` as an argument vector. */
  wrap(cmd: string, args: readonly string[]): [string, string[]] {
    return ["ip", ["netns", "exec", this.ns, cmd, ...args]];
  }

  private async inNs(argv: string[]): Promise<void> {
    const [c, a] = this.wrap(argv[0] ?? "true", argv.slice(1));
    await run(c, a);
  }

  /** Cut the namespace off: its side of the veth down (silent drop both ways). */
  async cut(): Promise<void> {
    await this.inNs(["ip", "link", "set", this.nsIf, "down"]);
  }

  /**
   * Heal the partition and wait until the path carries packets again: a TCP connection to `port` on the namespace
   * address is answered — accepted, or refused with a RST by a fenced (dead) server — instead of timing out. Right after
   * the link comes up the host's neighbour entry for the address may still be failed from the partition, and a SYN sent
   * then is lost; without the wait an application reconnecting at that moment skips the old primary by chance.
   */
  async heal(port: number, timeoutMs = 10_000): Promise<void> {
    await this.inNs(["ip", "link", "set", this.nsIf, "up"]);
    await eventually(() => answers(this.address, port, 500), {
      timeout: timeoutMs,
      interval: 50,
      what: `${this.address}:${port} answering after the partition healed`,
    });
  }

  /** Remove the namespace (which deletes the veth pair with it) and the host side if it is left. Safe to call twice. */
  removeSync(): void {
    if (this.removed) return;
    this.removed = true;
    ipSync(["netns", "del", this.ns]);
    ipSync(["link", "del", this.hostIf]);
    NetLab.live.delete(this);
  }
}

/** True when a TCP connection to host:port is accepted or refused within `timeoutMs` (false when it times out). */
export function answers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (v: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once("connect", () => done(true));
    s.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED"));
  });
}

/** Labs left by this process: removed last by the emergency teardown. */
export function removeAllLabsSync(): void {
  for (const lab of [...NetLab.live]) lab.removeSync();
}
