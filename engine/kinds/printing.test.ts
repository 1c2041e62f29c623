import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDef, KubeObject } from './types';
import { builtinKinds, createKindRegistry } from './defs/registry';
import { formatSelector, selectorString, formatLabels } from './printing';

const now = Date.parse('2024-05-01T12:00:00Z');
const kinds = createKindRegistry(builtinKinds());
const def = (group: string, kind: string) => kinds.byKind(group, kind)!;

/** Header and cells the way a Table row carries them. */
function row(d: KindDef, obj: KubeObject): Record<string, unknown> {
  return Object.fromEntries(d.printerColumns.map((c) => [c.name, c.cell(obj, now)]));
}
const created = { creationTimestamp: '2024-05-01T11:55:00Z' };

test('every kind has a Name column and columns have sane metadata', () => {
  for (const d of kinds.all()) {
    const names = d.printerColumns.filter((c) => c.format === 'name');
    assert.equal(names.length, 1, `${d.kind} has one name column`);
    for (const c of d.printerColumns) assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type), `${d.kind}.${c.name}`);
  }
  assert.deepEqual(
    def('rbac.authorization.k8s.io', 'ClusterRole').printerColumns.map((c) => c.name),
    ['Name', 'Created At'],
  );
  assert.equal(def('rbac.authorization.k8s.io', 'ClusterRole').printerColumns[1].cell({ metadata: created }, now), '2024-05-01T11:55:00Z');
});

test('deployment and service rows', () => {
  const d = {
    metadata: { name: 'web', ...created },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'nginx' },
            { name: 'b', image: 'redis' },
          ],
        },
      },
    },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(row(def('apps', 'Deployment'), d), {
    Name: 'web',
    Ready: '2/3',
    'Up-to-date': 3,
    Available: 2,
    Age: '5m',
    Containers: 'a,b',
    Images: 'nginx,redis',
    Selector: 'app=web',
  });
  const svc = {
    metadata: { name: 'web', ...created },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.5',
      clusterIPs: ['10.96.0.5'],
      selector: { app: 'web' },
      ports: [
        { port: 80, nodePort: 30080, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
  };
  assert.deepEqual(row(def('', 'Service'), svc), {
    Name: 'web',
    Type: 'NodePort',
    'Cluster-IP': '10.96.0.5',
    'External-IP': '<none>',
    'Port(s)': '80:30080/TCP,53/UDP',
    Age: '5m',
    Selector: 'app=web',
  });
  const lb = { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [] } };
  assert.equal(row(def('', 'Service'), lb)['External-IP'], '<pending>');
});

test('node, namespace, configmap, secret, pvc rows', () => {
  const node = {
    metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' }, ...created },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'docker://27' },
    },
  };
  assert.deepEqual(row(def('', 'Node'), node), {
    Name: 'n1',
    Status: 'Ready,SchedulingDisabled',
    Roles: 'control-plane',
    Age: '5m',
    Version: 'v1.32.0',
    'Internal-IP': '172.18.0.2',
    'External-IP': '<none>',
    'OS-Image': 'Debian',
    'Kernel-Version': '6.1',
    'Container-Runtime': 'docker://27',
  });
  assert.deepEqual(row(def('', 'Namespace'), { metadata: { name: 'default', ...created }, status: { phase: 'Active' } }), {
    Name: 'default',
    Status: 'Active',
    Age: '5m',
  });
  assert.deepEqual(row(def('', 'ConfigMap'), { metadata: { name: 'c', ...created }, data: { a: '1' }, binaryData: { b: '' } }), {
    Name: 'c',
    Data: 2,
    Age: '5m',
  });
  assert.deepEqual(row(def('', 'Secret'), { metadata: { name: 's', ...created }, type: 'Opaque', data: { a: '' } }), {
    Name: 's',
    Type: 'Opaque',
    Data: 1,
    Age: '5m',
  });
  const pvc = {
    metadata: { name: 'data', ...created },
    spec: { volumeName: 'pv-1', storageClassName: 'standard', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
  };
  assert.deepEqual(row(def('', 'PersistentVolumeClaim'), pvc), {
    Name: 'data',
    Status: 'Bound',
    Volume: 'pv-1',
    Capacity: '1Gi',
    'Access Modes': 'RWO',
    StorageClass: 'standard',
    VolumeAttributesClass: '<unset>',
    Age: '5m',
    VolumeMode: 'Filesystem',
  });
});

test('job, cronjob, event, hpa rows', () => {
  const job = {
    metadata: { name: 'pi', ...created },
    spec: {
      completions: 1,
      parallelism: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } },
      template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } },
    },
    status: {
      succeeded: 1,
      startTime: '2024-05-01T11:55:00Z',
      completionTime: '2024-05-01T11:55:42Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    },
  };
  const j = row(def('batch', 'Job'), job);
  assert.deepEqual(
    [j.Status, j.Completions, j.Duration, j.Age, j.Selector],
    ['Complete', '1/1', '42s', '5m', 'batch.kubernetes.io/controller-uid=u'],
  );
  const cj = {
    metadata: { name: 'c', ...created },
    spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    status: { lastScheduleTime: '2024-05-01T11:59:00Z', active: [{}] },
  };
  const c = row(def('batch', 'CronJob'), cj);
  assert.deepEqual([c.Schedule, c.Timezone, c.Suspend, c.Active, c['Last Schedule']], ['*/1 * * * *', '<none>', 'False', 1, '60s']);
  const ev = {
    metadata: { name: 'web.1', ...created },
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned default/web to n1 ',
    involvedObject: { kind: 'Pod', name: 'web' },
    source: { component: 'default-scheduler' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 3,
  };
  const eventDef = def('', 'Event');
  assert.deepEqual(
    eventDef.printerColumns.filter((x) => x.priority === 0).map((x) => x.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
  );
  assert.deepEqual(row(eventDef, ev), {
    'Last Seen': '2m',
    Type: 'Normal',
    Reason: 'Scheduled',
    Object: 'pod/web',
    Subobject: '',
    Source: 'default-scheduler',
    Message: 'Successfully assigned default/web to n1',
    'First Seen': '10m',
    Count: '3',
    Name: 'web.1',
  });
  const hpa = {
    metadata: { name: 'h', ...created },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
    status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] },
  };
  const h = row(def('autoscaling', 'HorizontalPodAutoscaler'), hpa);
  assert.deepEqual([h.Reference, h.Targets, h.MinPods, h.MaxPods, h.Replicas], ['Deployment/web', 'cpu: 12%/80%', '1', 5, 2]);
  const v1 = {
    metadata: { name: 'h' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
  };
  assert.equal(kinds.byKind('autoscaling', 'HorizontalPodAutoscaler', 'v1')!.printerColumns[2].cell(v1, now), 'cpu: <unknown>/50%');
});

test('selectors and labels format like kubectl', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  const sel = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };
  assert.equal(selectorString(sel), 'app=web,!legacy,tier in (a,b)');
  assert.equal(formatSelector({}), '<none>');
});
