import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types';
import { deploymentKind } from './kinds-apps';
import { statefulSetKind } from './kinds-apps-stateful';
import { podKind } from './kinds-core-pod';
import { jobKind, cronJobKind } from './kinds-batch';
import { namespaceKind, secretKind } from './kinds-core';
import { serviceKind } from './kinds-core-service';
import { defaultPullPolicy } from '../pod-defaults';
import { formatFieldError } from '../validation/validation';

test('deployment defaults match what kubectl get -o yaml shows', () => {
  const d: KubeObject = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }],
        },
      },
    },
  };
  deploymentKind.defaults!(d);
  assert.deepEqual(d.spec, {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            readinessProbe: {
              httpGet: { port: 80, path: '/', scheme: 'HTTP' },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
  });
  assert.deepEqual(deploymentKind.validate!(d), []);
  // Recreate deployments carry no rollingUpdate block.
  const r: KubeObject = { metadata: { name: 'r' }, spec: { strategy: { type: 'Recreate' } } };
  deploymentKind.defaults!(r);
  assert.deepEqual(r.spec.strategy, { type: 'Recreate' });
});

test('image pull policy follows the tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('nginx:1.25'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('localhost:5000/app'), 'Always');
  assert.equal(defaultPullPolicy('busybox@sha256:abc'), 'IfNotPresent');
});

test('pod create: defaults plus admission (service account, tolerations, token volume, Pending)', () => {
  const p: KubeObject = {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
  };
  podKind.defaults!(p);
  podKind.prepareForCreate!(p);
  assert.equal(p.spec.enableServiceLinks, true);
  assert.equal(p.spec.serviceAccountName, 'default');
  assert.equal(p.spec.serviceAccount, 'default');
  assert.equal(p.spec.priority, 0);
  assert.equal(p.spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(p.spec.containers[0].resources.requests, { cpu: '1', memory: '1Gi' });
  assert.deepEqual(p.spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.match(p.spec.volumes[0].name, /^kube-api-access-[a-z0-9]{5}$/);
  assert.equal(p.spec.containers[0].volumeMounts[0].mountPath, '/var/run/secrets/kubernetes.io/serviceaccount');
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.deepEqual(podKind.validate!(p), []);
});

test('job create generates the controller-uid selector and template labels', () => {
  const j: KubeObject = {
    metadata: { name: 'pi', namespace: 'default', uid: 'u-1' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
  };
  jobKind.defaults!(j);
  jobKind.prepareForCreate!(j);
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.backoffLimit, 6);
  assert.equal(j.spec.completionMode, 'NonIndexed');
  assert.equal(j.spec.suspend, false);
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(j.spec.template.metadata.labels, {
    'controller-uid': 'u-1',
    'batch.kubernetes.io/controller-uid': 'u-1',
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
  });
  assert.deepEqual(j.metadata.labels, j.spec.template.metadata.labels);
  assert.deepEqual(jobKind.validate!(j), []);
  // A job with the default restart policy (Always) is rejected as upstream does.
  const bad: KubeObject = {
    metadata: { name: 'b', uid: 'u-2' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
  };
  jobKind.defaults!(bad);
  jobKind.prepareForCreate!(bad);
  assert.deepEqual(jobKind.validate!(bad).map(formatFieldError), [
    'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
  // The template cannot change later.
  const changed = structuredClone(j);
  changed.spec.template.spec.containers[0].image = 'perl:2';
  assert.deepEqual(
    jobKind.validate!(changed, j).map((e) => e.field),
    ['spec.template'],
  );
});

test('cronjob defaults and schedule validation', () => {
  const c: KubeObject = {
    metadata: { name: 'c' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'OnFailure' } } } },
    },
  };
  cronJobKind.defaults!(c);
  assert.equal(c.spec.concurrencyPolicy, 'Allow');
  assert.equal(c.spec.successfulJobsHistoryLimit, 3);
  assert.equal(c.spec.failedJobsHistoryLimit, 1);
  assert.equal(c.spec.suspend, false);
  assert.deepEqual(cronJobKind.validate!(c), []);
  c.spec.schedule = '61 * * * *';
  assert.deepEqual(cronJobKind.validate!(c).map(formatFieldError), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
  ]);
});

test('statefulset, namespace, secret and service defaults', () => {
  const s: KubeObject = {
    metadata: { name: 's' },
    spec: {
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  };
  statefulSetKind.defaults!(s);
  assert.equal(s.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(s.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(s.spec.volumeClaimTemplates[0].kind, 'PersistentVolumeClaim');
  assert.equal(s.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');

  const ns: KubeObject = { metadata: { name: 'team-a' } };
  namespaceKind.defaults!(ns);
  namespaceKind.prepareForCreate!(ns);
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });

  const sec: KubeObject = { metadata: { name: 'x' }, stringData: { password: 'hi' } };
  secretKind.defaults!(sec);
  assert.deepEqual(sec, { metadata: { name: 'x' }, type: 'Opaque', data: { password: 'aGk=' } });

  const svc: KubeObject = { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  serviceKind.defaults!(svc);
  assert.deepEqual(svc.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
});
