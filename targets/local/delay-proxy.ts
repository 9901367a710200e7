/**
 * Added latency on a store's port without tc (issue 13, `<store>:delay@<at>+<for>=<latency>`):
 * tc netem on loopback needs the sch_netem kernel module and CAP_NET_ADMIN, and would slow
 * every loopback user of the machine; this is a small TCP proxy on 127.0.0.1 in front of the
 * store instead. The run's connections to that store go through it; while a delay is on,
 * every chunk in each direction is held `delayMs` before it is forwarded (order kept), so a
 * request/response round trip gains about 2 x delayMs.
 */
import net from 'node:net';

/** A started proxy: where to connect, the delay knob, and close(). */
export interface DelayProxy {
  /** Port the proxy listens on (127.0.0.1). */
  port: number;
  /** Set the added latency per direction, ms (0: pass through). */
  setDelayMs(ms: number): void;
  close(): Promise<void>;
}

function pipeDelayed(from: net.Socket, to: net.Socket, delay: () => number): void {
  let lastDue = 0;
  from.on('data', (chunk) => {
    const ms = delay();
    if (ms <= 0 && lastDue <= Date.now()) {
      to.write(chunk);
      return;
    }
    const due = Math.max(Date.now() + ms, lastDue);
    lastDue = due;
    setTimeout(() => to.write(chunk), due - Date.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - Date.now())));
  from.on('error', () => to.destroy());
}

/**
 * Start a proxy on 127.0.0.1:<ephemeral> forwarding to host:port.
 * @throws the listen error (rare: no free port).
 */
export async function startDelayProxy(host: string, port: number): Promise<DelayProxy> {
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    client.on('close', () => (sockets.delete(client), upstream.destroy()));
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    pipeDelayed(client, upstream, () => delayMs);
    pipeDelayed(upstream, client, () => delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    setDelayMs: (ms) => (delayMs = Math.max(0, ms)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
