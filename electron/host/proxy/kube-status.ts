// Kubernetes Status objects the host answers with on /k8s/* when the cluster itself cannot.
import type { ServerResponse } from 'node:http';
import { describeNetworkError } from './connection-errors';

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; kind?: string };
  code: number;
}

export function kubeStatus(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function profileNotFound(name: string): KubeStatus {
  return kubeStatus(404, 'NotFound', `profile "${name}" not found; pick one of the profiles the app lists`, { name, kind: 'profiles' });
}

export function serviceUnavailable(message: string): KubeStatus {
  return kubeStatus(503, 'ServiceUnavailable', message);
}

/** "connection refused at 127.0.0.1:6443" and friends: the error in words, with the address. */
export function describeConnectError(err: unknown, server: URL): string {
  return describeNetworkError(err, server, (err as { timeoutMs?: number })?.timeoutMs);
}

export function sendStatus(res: ServerResponse, status: KubeStatus): void {
  const text = JSON.stringify(status);
  res.writeHead(status.code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** The same Status as a raw HTTP response on a socket (refused WebSocket upgrades). */
export function statusResponseText(status: KubeStatus): string {
  const text = JSON.stringify(status);
  return `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;
}
