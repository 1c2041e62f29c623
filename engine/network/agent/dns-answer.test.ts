import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, RCODE } from '../dns-wire';
import { answerQuestion, indexDns } from './dns-answer';

const ix = indexDns({
  domain: 'cluster.local',
  version: 9,
  dns: {
    a: {
      'web.default.svc.cluster.local': ['10.9.128.20'],
      'db.default.svc.cluster.local': ['10.9.0.8', '10.9.0.9'],
      'empty.default.svc.cluster.local': [],
    },
    cname: { 'alias.default.svc.cluster.local': 'web.default.svc.cluster.local', 'ext.default.svc.cluster.local': 'example.com' },
    srv: { '_http._tcp.web.default.svc.cluster.local': [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }] },
    ptr: { '10.9.128.20': 'web.default.svc.cluster.local' },
  },
});
const q = (name: string, type: number) => answerQuestion(ix, { name, type, class: 1 });
const local = (a: ReturnType<typeof q>) => {
  assert.equal(a.kind, 'local');
  return a as Extract<typeof a, { kind: 'local' }>;
};

test('A records for Services, case-insensitive, trailing dot or not', () => {
  const a = local(q('WEB.default.svc.cluster.local.', TYPE.A));
  assert.equal(a.rcode, RCODE.NOERROR);
  assert.deepEqual(
    a.answers.map((r) => r.data),
    [{ type: TYPE.A, address: '10.9.128.20' }],
  );
  assert.equal(a.answers[0].name, 'WEB.default.svc.cluster.local.', 'the owner name echoes the question');
  assert.equal(local(q('db.default.svc.cluster.local', TYPE.A)).answers.length, 2);
});

test('AAAA and other types of a known name: no data, not NXDOMAIN', () => {
  const a = local(q('web.default.svc.cluster.local', TYPE.AAAA));
  assert.equal(a.rcode, RCODE.NOERROR);
  assert.equal(a.answers.length, 0);
  assert.equal(a.authorities[0].data.type, TYPE.SOA);
  assert.equal(local(q('empty.default.svc.cluster.local', TYPE.A)).rcode, RCODE.NOERROR);
  assert.equal(local(q('default.svc.cluster.local', TYPE.A)).rcode, RCODE.NOERROR, 'a namespace exists as a parent name');
});

test('unknown names in the cluster domain are NXDOMAIN; search-path expansions too', () => {
  assert.equal(local(q('nope.default.svc.cluster.local', TYPE.A)).rcode, RCODE.NXDOMAIN);
  assert.equal(local(q('example.com.default.svc.cluster.local', TYPE.A)).rcode, RCODE.NXDOMAIN);
});

test('CNAMEs inside the cluster are followed; outside ones are chased upstream', () => {
  const a = local(q('alias.default.svc.cluster.local', TYPE.A));
  assert.deepEqual(
    a.answers.map((r) => r.data),
    [
      { type: TYPE.CNAME, target: 'web.default.svc.cluster.local' },
      { type: TYPE.A, address: '10.9.128.20' },
    ],
  );
  const e = local(q('ext.default.svc.cluster.local', TYPE.A));
  assert.deepEqual(
    e.answers.map((r) => r.data),
    [{ type: TYPE.CNAME, target: 'example.com' }],
  );
  assert.equal(e.chase, 'example.com');
});

test('SRV with addresses as additionals; pod names; reverse lookups of ClusterIPs', () => {
  const s = local(q('_http._tcp.web.default.svc.cluster.local', TYPE.SRV));
  assert.deepEqual(s.answers[0].data, { type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' });
  assert.deepEqual(
    s.additionals.map((r) => r.data),
    [{ type: TYPE.A, address: '10.9.128.20' }],
  );
  assert.deepEqual(
    local(q('10-9-0-7.default.pod.cluster.local', TYPE.A)).answers.map((r) => r.data),
    [{ type: TYPE.A, address: '10.9.0.7' }],
  );
  assert.deepEqual(
    local(q('20.128.9.10.in-addr.arpa', TYPE.PTR)).answers.map((r) => r.data),
    [{ type: TYPE.PTR, target: 'web.default.svc.cluster.local' }],
  );
});

test('everything else is forwarded', () => {
  assert.equal(q('example.com', TYPE.A).kind, 'forward');
  assert.equal(q('cluster.local.evil.com', TYPE.A).kind, 'forward');
  assert.equal(q('1.0.0.10.in-addr.arpa', TYPE.PTR).kind, 'forward');
});
