// UDP to a ClusterIP:port: each client (address:port) is a flow with its own upstream socket to
// one endpoint; replies go back from the ClusterIP socket, so clients see the address they used.
// Flows end after an idle timeout, as conntrack's UDP entries do.
import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint } from '../table';

export interface UdpProxy {
  close(): void;
  flows(): number;
}

export async function createUdpProxy(o: {
  ip: string;
  port: number;
  pick(clientIP: string): Endpoint | undefined;
  /** Whether an endpoint is still ready (a flow to a removed one starts over, as conntrack is flushed). */
  valid(ep: Endpoint): boolean;
  log(line: string): void;
  idleMs?: number;
}): Promise<UdpProxy> {
  const idleMs = o.idleMs ?? 30_000;
  const flows = new Map<string, { up: Socket; ep: Endpoint; last: number }>();
  const closeQuiet = (s: Socket) => {
    try {
      s.close();
    } catch {
      /* already closed */
    }
  };
  const front = createSocket({ type: 'udp4' });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(o.port, o.ip, () => {
      front.off('error', reject);
      resolve();
    });
  });
  front.on('error', (e) => o.log(`udp ${o.ip}:${o.port}: ${e.message}`));

  front.on('message', (msg, rinfo) => {
    const k = `${rinfo.address}:${rinfo.port}`;
    let f = flows.get(k);
    if (f && !o.valid(f.ep)) {
      closeQuiet(f.up);
      flows.delete(k);
      f = undefined;
    }
    if (!f) {
      const ep = o.pick(rinfo.address);
      if (!ep) return; // no ready endpoint: dropped, as an unanswered datagram
      const up = createSocket({ type: 'udp4' });
      up.on('error', () => {
        closeQuiet(up);
        if (flows.get(k)?.up === up) flows.delete(k);
      });
      up.on('message', (reply) => {
        const cur = flows.get(k);
        if (cur) cur.last = Date.now();
        front.send(reply, rinfo.port, rinfo.address);
      });
      up.connect(ep.port, ep.ip);
      f = { up, ep, last: Date.now() };
      flows.set(k, f);
    }
    f.last = Date.now();
    const flow = f;
    const send = () => flow.up.send(msg, (e) => e && o.log(`udp ${o.ip}:${o.port} → upstream: ${e.message}`));
    // A new socket connects asynchronously; sending before that fails with ERR_SOCKET_DGRAM_NOT_CONNECTED.
    try {
      flow.up.remoteAddress();
      send();
    } catch {
      flow.up.once('connect', send);
    }
  });

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [k, f] of flows)
        if (now - f.last > idleMs) {
          closeQuiet(f.up);
          flows.delete(k);
        }
    },
    Math.min(idleMs, 5000),
  );
  sweep.unref();

  return {
    close() {
      clearInterval(sweep);
      for (const f of flows.values()) closeQuiet(f.up);
      flows.clear();
      closeQuiet(front);
    },
    flows: () => flows.size,
  };
}
