// Shared by the CRD tests: an API server fixture, kubectl against it, raw HTTPS requests as the
// admin, and a CRD with printer columns, a default, status and scale subresources and two versions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { kubectlPath, run, type RunResult } from './harness';
import { waitFor } from '../wait-for';

export interface CrdFixture {
  f: ApiFixture;
  kubectl(version: string, args: string[], input?: string): Promise<RunResult>;
  http(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any; headers: any }>;
  /** Creates a CRD and waits until it is Established. */
  establish(crd: object): Promise<any>;
  close(): Promise<void>;
}

export async function startCrdFixture(): Promise<CrdFixture> {
  const f = await startApiFixture();
  const home = join(f.dir, 'home');
  mkdirSync(home, { recursive: true });
  const kubeconfig = join(f.dir, 'kubeconfig');
  writeFileSync(kubeconfig, f.kubeconfigYaml);
  const http: CrdFixture['http'] = (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const url = new URL(path, f.server.url);
      const headers: Record<string, string> = { Authorization: `Bearer ${f.pki.adminToken}` };
      if (body !== undefined) headers['Content-Type'] = contentType;
      const req = request(url, { method, ca: f.pki.caCert, headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: any = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (watch streams are read elsewhere)
          }
          resolve({ status: res.statusCode!, body: parsed, headers: res.headers });
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
    });
  return {
    f,
    http,
    kubectl: (version, args, input) =>
      run(kubectlPath(version), ['--kubeconfig', kubeconfig, ...args], {
        input,
        env: { HOME: home, KUBECACHEDIR: join(f.dir, `cache-${version}`) },
        timeoutMs: 30_000,
      }),
    async establish(crd: any) {
      const r = await http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      if (r.status !== 201) throw new Error(`create CRD: ${r.status} ${JSON.stringify(r.body)}`);
      return waitFor(
        `${crd.metadata.name} established`,
        async () => {
          const g = await http('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
          const established = (g.body.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
          return established ? g.body : undefined;
        },
        5_000,
        50,
      );
    },
    close: () => f.close(),
  };
}

const widgetSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['S', 'M', 'L'] },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        label: { type: 'string', maxLength: 8, pattern: '^[a-z]+$' },
        color: { type: 'string', default: 'blue' },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        port: { 'x-kubernetes-int-or-string': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        note: { type: 'string', nullable: true },
      },
    },
    status: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } },
    },
  },
};

/** Widgets (namespaced, stable.skiff.dev): v1 (storage) with columns, v1beta1 served too. */
export function widgetCrd(group = 'stable.skiff.dev'): any {
  const subresources = {
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['skiff'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: widgetSchema },
          subresources,
          additionalPrinterColumns: [
            { name: 'Size', type: 'string', jsonPath: '.spec.size' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
          ],
        },
        { name: 'v1beta1', served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: widgetSchema }, subresources },
      ],
    },
  };
}
