/**
 * A TCP forwarder on 127.0.0.1 that delays the client → server direction by `delayMs`, order preserved: what
 * `tc qdisc add dev <client veth> root netem delay 500ms` does to the client's egress. The drill uses it because this
 * machine's kernel has no netem qdisc (`/proc/config.gz`: "# CONFIG_NET_SCH_NETEM is not set"; `tc qdisc add … netem`
 * answers "Specified qdisc kind is unknown"). The delay is a parameter of the harness, never a result.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { HOST } from "./cluster.js";

export class DelayProxy {
  delayMs = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(targetHost: string, targetPort: number): Promise<DelayProxy> {
    return new Promise((resolve, reject) => {
      let proxy: DelayProxy | undefined;
      const server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        proxy?.track(client, upstream);
        client.on("data", (d: Buffer) => {
          const delay = proxy?.delayMs ?? 0;
          // Equal delays fire in arrival order (one timer list per duration), so the stream stays ordered.
          if (delay > 0) setTimeout(() => upstream.write(d), delay);
          else upstream.write(d);
        });
        upstream.on("data", (d: Buffer) => client.write(d));
        const close = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.on("close", () => setTimeout(() => upstream.end(), proxy?.delayMs ?? 0));
        upstream.on("close", close);
        client.on("error", close);
        upstream.on("error", close);
      });
      server.on("error", reject);
      server.listen(0, HOST, () => {
        const addr = server.address();
        if (typeof addr !== "object" || addr === null) return reject(new Error("no port"));
        proxy = new DelayProxy(server, addr.port);
        resolve(proxy);
      });
    });
  }

  private track(...s: Socket[]): void {
    for (const x of s) {
      this.sockets.add(x);
      x.on("close", () => this.sockets.delete(x));
    }
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}
