// npm run bench -- crd [--n 10000]: custom resources beside built-ins, each figure beside its floor.
//   list N custom resources        vs list N ConfigMaps of the same size   (target ≤ 1.2×)
//   CR creates/s, 800 KB-schema CRD vs a schemaless CRD's                   (target ≥ 0.67×)
//   CR creates/s, schemaless       vs ConfigMap creates/s (floor: a built-in kind)
//   CRD created → first CR accepted, with the 800 KB CRD and 10 other CRDs installed (target ≤ 1 s)
import { Agent, request } from 'node:https';
import { startApiFixture } from '../integration/api-fixture';

const out = (line: string) => console.log(line);
const argN = process.argv.indexOf('--n');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 10_000;
const CONCURRENCY = 16;

function crd(group: string, plural: string, kind: string, schema: object) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}
const schemaless = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
/** ~800 KB of schema: 2,000 described string properties under spec, data among them. */
function bigSchema() {
  const properties: Record<string, object> = { data: { type: 'object', additionalProperties: { type: 'string' } } };
  for (let i = 0; i < 2000; i++)
    properties[`field${i}`] = { type: 'string', maxLength: 64, description: `Field ${i}. ${'Lorem ipsum dolor sit amet. '.repeat(13)}` };
  return { type: 'object', properties: { spec: { type: 'object', properties } } };
}

async function main() {
  const f = await startApiFixture();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${f.server.url}${path}`, { method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const must = async (p: Promise<{ status: number; text: string }>, code: number) => {
    const r = await p;
    if (r.status !== code) throw new Error(`expected ${code}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  };
  const waitServed = async (path: string) => {
    for (;;) {
      if ((await call('GET', path)).status === 200) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  await must(call('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } }), 201);
  for (let i = 0; i < 10; i++) await must(call('POST', CRDS, crd(`other${i}.bench.dev`, 'things', 'Thing', bigSchema())), 201);
  await must(call('POST', CRDS, crd('plain.bench.dev', 'items', 'Item', schemaless)), 201);
  const big = bigSchema();
  out(`800 KB CRD: schema ${(JSON.stringify(big).length / 1024).toFixed(0)} KiB; ${N} objects per kind, ${CONCURRENCY} concurrent`);

  // CRD created → first CR accepted (10 other big CRDs installed).
  const t0 = performance.now();
  await must(call('POST', CRDS, crd('big.bench.dev', 'bigs', 'Big', big)), 201);
  const bigPath = '/apis/big.bench.dev/v1/namespaces/bench/bigs';
  for (;;) {
    const r = await call('POST', bigPath, { apiVersion: 'big.bench.dev/v1', kind: 'Big', metadata: { name: 'first' }, spec: { data: {} } });
    if (r.status === 201) break;
    await new Promise((r2) => setTimeout(r2, 5));
  }
  const firstAccepted = performance.now() - t0;
  await waitServed('/apis/plain.bench.dev/v1/namespaces/bench/items');

  const payload = { a: 'x'.repeat(200), b: 'y'.repeat(200) };
  const rate = async (path: string, make: (i: number) => object) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < N; i = next++) await must(call('POST', path, make(i)), 201);
      }),
    );
    return N / ((performance.now() - start) / 1000);
  };
  const cmPath = '/api/v1/namespaces/bench/configmaps';
  const itemPath = '/apis/plain.bench.dev/v1/namespaces/bench/items';
  const cmRate = await rate(cmPath, (i) => ({ metadata: { name: `cm${i}` }, data: payload }));
  const plainRate = await rate(itemPath, (i) => ({
    apiVersion: 'plain.bench.dev/v1',
    kind: 'Item',
    metadata: { name: `i${i}` },
    spec: { data: payload },
  }));
  const bigRate = await rate(bigPath, (i) => ({
    apiVersion: 'big.bench.dev/v1',
    kind: 'Big',
    metadata: { name: `b${i}` },
    spec: { data: payload },
  }));

  const listTime = async (path: string) => {
    await call('GET', path); // warm
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await must(call('GET', path), 200);
      times.push(performance.now() - s);
    }
    return Math.min(...times);
  };
  const cmList = await listTime(cmPath);
  const crList = await listTime(itemPath);

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  out(
    `list ${N} custom resources: ${crList.toFixed(0)} ms   floor: ${N} ConfigMaps ${cmList.toFixed(0)} ms   ${ratio(crList, cmList)}× (target ≤ 1.2×)`,
  );
  out(
    `CR creates/s, 800 KB-schema CRD: ${bigRate.toFixed(0)}/s   floor: schemaless CRD ${plainRate.toFixed(0)}/s   ${ratio(bigRate, plainRate)}× (target ≥ 0.67×)`,
  );
  out(`CR creates/s, schemaless: ${plainRate.toFixed(0)}/s   floor: ConfigMap ${cmRate.toFixed(0)}/s   ${ratio(plainRate, cmRate)}×`);
  out(`CRD created → first CR accepted (800 KB CRD, 10 others installed): ${firstAccepted.toFixed(0)} ms (target ≤ 1000 ms)`);
  agent.destroy();
  await f.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
