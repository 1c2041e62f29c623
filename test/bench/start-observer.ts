// Watches a starting cluster from outside, as a user's tools would: when its /readyz first
// answers 200 and when a watch of its Nodes first sees one Ready with a heartbeat from this
// start (a warm cluster's stored node still says Ready from the last run). It reads the
// cluster's own PKI files as soon as they exist, so a cold start is seen before its kubeconfig.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- API JSON read untyped, as a user's script would */
import { existsSync, readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';

export interface StartObservation {
  readyz: Promise<number>;
  nodeReady: Promise<number>;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `since`: performance.now() at the spawn; `wallSince`: Date.now() then. Times are ms after it. */
export function observeStart(pkiDir: string, port: number, since: number, wallSince: number): StartObservation {
  let stopped = false;
  let stream: IncomingMessage | undefined;
  const tls = (): RequestOptions | undefined => {
    const files = ['ca.crt', 'admin.crt', 'admin.key'].map((f) => join(pkiDir, f));
    if (!files.every((f) => existsSync(f))) return undefined;
    try {
      const [ca, cert, key] = files.map((f) => readFileSync(f));
      return { host: '127.0.0.1', port, ca, cert, key, agent: false, timeout: 5000 };
    } catch {
      return undefined; // written as we read: next round
    }
  };
  const get = (opts: RequestOptions, path: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ ...opts, path }, resolve);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });

  const readyz = (async () => {
    while (!stopped) {
      const opts = tls();
      if (opts) {
        const res = await get(opts, '/readyz').catch(() => undefined);
        res?.resume();
        if (res?.statusCode === 200) return performance.now() - since;
      }
      await sleep(10);
    }
    return NaN;
  })();

  // Heartbeats are RFC 3339 seconds: anything from the spawn's second on is this start's.
  type NodeConditions = { status?: { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } };
  const fresh = (node: NodeConditions | undefined) =>
    (node?.status?.conditions ?? []).some(
      (c) => c.type === 'Ready' && c.status === 'True' && Date.parse(c.lastHeartbeatTime ?? '') >= Math.floor(wallSince / 1000) * 1000,
    );
  const nodeReady = (async () => {
    await readyz;
    while (!stopped) {
      try {
        stream = await get(tls()!, '/api/v1/nodes?watch=1');
        let buf = '';
        for await (const chunk of stream) {
          buf += String(chunk);
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const event = JSON.parse(buf.slice(0, i));
            buf = buf.slice(i + 1);
            if (fresh(event.object as NodeConditions | undefined)) return performance.now() - since;
          }
        }
      } catch {
        // the server went away mid-start: watch again
      }
      await sleep(10);
    }
    return NaN;
  })();

  return {
    readyz,
    nodeReady,
    stop() {
      stopped = true;
      stream?.destroy();
    },
  };
}
