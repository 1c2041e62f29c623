// What the ingress bench drives: the load client (its own process, like curl or a browser on the
// host), the bare node:http relay floor, a keep-alive backend pod, and a status probe.
import { spawn } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import type { KubeObject } from '../../../engine/kinds/types';

export interface LoadTarget {
  host: string;
  port: number;
  /** Host header (the ingress routes by it); undefined: the default. */
  hostHeader?: string;
}

export interface LoadResult {
  /** Sequential request latencies, ms. */
  seq: number[];
  /** Requests/s at the given concurrency. */
  rps: number;
}

// argv[1] is JSON {port, host, hostHeader, seq, conc, total, keepAlive}; prints JSON. With keepAlive
// the client keeps up to `conc` connections open and reuses them (as browsers and HTTP libraries
// do); without it every request opens a new connection (as one curl per request does).
const CLIENT = `
const http=require('http');const c=JSON.parse(process.argv[1]);
const agent=c.keepAlive?new http.Agent({keepAlive:true,maxSockets:c.conc||1}):false;
const now=()=>Number(process.hrtime.bigint())/1e6;
const once=()=>new Promise((ok,no)=>{const t=now();const r=http.get({host:c.host,port:c.port,path:'/',agent,headers:c.hostHeader?{Host:c.hostHeader}:{}},s=>{s.resume();s.on('end',()=>s.statusCode===200?ok(now()-t):no(new Error('status '+s.statusCode)))});r.on('error',no)});
(async()=>{for(let i=0;i<20;i++)await once();
const seq=[];for(let i=0;i<c.seq;i++)seq.push(await once());
let left=c.total;const t0=now();await Promise.all(Array.from({length:c.conc},async()=>{while(left-->0)await once()}));const wall=now()-t0;
console.log(JSON.stringify({seq,rps:c.total/(wall/1000)}))})().catch(e=>{console.log(JSON.stringify({error:e.message}));process.exit(1)});`;

/** Runs the load client once: `seq` sequential requests, then `total` at concurrency `conc`. */
export async function load(t: LoadTarget, o: { seq: number; total: number; conc: number; keepAlive: boolean }): Promise<LoadResult> {
  const p = spawn(process.execPath, ['-e', CLIENT, JSON.stringify({ ...t, ...o })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  p.stdout.on('data', (d) => (text += String(d)));
  await new Promise((r) => p.on('close', r));
  const r = JSON.parse(text.trim().split('\n').pop() || '{"error":"no output"}') as LoadResult & { error?: string };
  if (r.error) throw new Error(`load client (${t.host}:${t.port}): ${r.error}`);
  return r;
}

/**
 * The bare relay floor: headers and body passed as they are, no routing. `keepAlive` reuses
 * connections to the pod (a pooled agent); otherwise each request opens a new one.
 */
export function bareRelay(ip: string, port: number, keepAlive: boolean): Promise<Server> {
  const agent = keepAlive ? new Agent({ keepAlive: true }) : false;
  const s = createServer((req, res) => {
    const up = request({ host: ip, port, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  s.on('close', () => agent && agent.destroy());
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

/** The status a GET / with this Host header gets from 127.0.0.1:port (0: no answer). */
export function status(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { Host: host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Pod `ka` (label app=ka): node's http server answering "ok" on 8080 and keeping connections alive,
 * as real backends (nginx, node, Go servers) do. `image` has node (the network agent's image).
 */
export function keepAlivePod(image: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ka', labels: { app: 'ka' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'node',
          image,
          command: ['node', '-e', "require('http').createServer((q,r)=>r.end('ok\\n')).listen(8080)"],
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}
