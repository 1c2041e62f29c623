// Validation of StartClusterRequest bodies: every mistake is a 400 that says what to send.
import { checkClusterName } from '../../../engine/cluster/paths';
import { HostHttpError } from '../http/http-util';
import type { RuntimeChoice, StartClusterRequest } from '../protocol';

export const MAX_NODES = 50;
const FIELDS = ['name', 'nodes', 'runtime'];

export interface StartRequest {
  name: string;
  nodes: number;
  runtime?: RuntimeChoice;
}

export function parseStartRequest(body: StartClusterRequest | unknown): StartRequest {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new HostHttpError(
      400,
      'the request body must be a JSON object',
      'send {"name": "local", "nodes": 1, "runtime": "simulated"} (every field optional)',
    );
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !FIELDS.includes(k));
  if (unknown.length)
    throw new HostHttpError(
      400,
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
      `send only ${FIELDS.join(', ')}`,
    );

  const name = b.name ?? 'local';
  if (typeof name !== 'string')
    throw new HostHttpError(400, `"name" must be a string, not ${JSON.stringify(name)}`, 'use lowercase letters, digits and "-"');
  try {
    checkClusterName(name);
  } catch (err) {
    const e = err as { what?: string; fix?: string; message: string };
    throw new HostHttpError(400, e.what ?? e.message, e.fix);
  }

  const nodes = b.nodes ?? 1;
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new HostHttpError(
      400,
      `"nodes" must be a whole number from 1 to ${MAX_NODES}, not ${JSON.stringify(nodes)}`,
      `pick 1 to ${MAX_NODES} nodes`,
    );
  }

  const runtime = b.runtime;
  if (runtime !== undefined && runtime !== 'docker' && runtime !== 'simulated') {
    throw new HostHttpError(
      400,
      `"runtime" must be "docker" or "simulated", not ${JSON.stringify(runtime)}`,
      'leave it out to use Docker when it runs and simulated nodes otherwise',
    );
  }
  return { name, nodes, ...(runtime ? { runtime } : {}) };
}
