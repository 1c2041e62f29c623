// Streams of a simulated node: its containers run no processes, so logs are empty and exec,
// attach and port-forward say why they cannot work instead of a bare "unavailable".
import { Readable } from 'node:stream';
import type { NodeStreams } from '../client/node-streams';

export function simulatedStreams(nodeName: string): NodeStreams {
  const none = (what: string) =>
    Promise.reject(
      new Error(
        `${what} is not available: "${nodeName}" is a simulated node and its containers run no processes (start the cluster with Docker for real containers)`,
      ),
    );
  return {
    logs: async () => Readable.from([]),
    exec: () => none('exec'),
    attach: () => none('attach'),
    portForward: () => none('port-forward'),
  };
}
