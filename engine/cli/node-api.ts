// A minimal HTTPS JSON client for `skiff node`: talks to a running cluster with the admin
// credentials in its kubeconfig (<data-dir>/<name>/kubeconfig).
import { readFileSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';
import { SkiffError } from '../cluster/errors';
import type { KubeObject } from '../kinds/types';
import { isPlainObject } from '../kinds/custom/structural-schema';

/** A JSON answer of the API: an object, a list (items) or a Status (message). */
export interface ApiBody {
  message?: string;
  items?: KubeObject[];
  [field: string]: unknown;
}

export interface ApiAnswer {
  status: number;
  /** The JSON object answered; {} when the answer was not one. */
  body: ApiBody;
  /** The answer's text when it was not a JSON object. */
  text?: string;
}

export interface NodeApi {
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiAnswer>;
}

export function nodeApiFromKubeconfig(file: string, clusterName: string): NodeApi {
  if (!existsSync(file))
    throw new SkiffError(
      `cluster "${clusterName}" has no kubeconfig at ${file}`,
      `start it first: skiff start${clusterName === 'local' ? '' : ` --name ${clusterName}`}`,
    );
  const kc = parse(readFileSync(file, 'utf8'));
  const cluster = kc?.clusters?.[0]?.cluster;
  const user = kc?.users?.[0]?.user;
  if (!cluster?.server || !user) throw new SkiffError(`kubeconfig ${file} is incomplete`, 'restart the cluster to rewrite it');
  const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString() : undefined);
  const creds = {
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
  return {
    call(method, path, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const req = request(
          new URL(path, cluster.server),
          { method, ...creds, agent: false, timeout: 10_000, headers: { 'Content-Type': contentType, Accept: 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => {
              let parsed: unknown;
              try {
                parsed = JSON.parse(text);
              } catch {
                /* not JSON: keep the text */
              }
              const status = res.statusCode ?? 0;
              resolve(isPlainObject(parsed) ? { status, body: parsed } : { status, body: {}, text });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
        req.on('error', (e: NodeJS.ErrnoException) =>
          reject(
            e.code === 'ECONNREFUSED'
              ? new SkiffError(
                  `cluster "${clusterName}" is not running`,
                  `start it: skiff start${clusterName === 'local' ? '' : ` --name ${clusterName}`}`,
                )
              : e,
          ),
        );
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
  };
}
