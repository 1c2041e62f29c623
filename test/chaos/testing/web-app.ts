// The workload chaos tests break things under: busybox httpd pods (each answering its own
// hostname) behind a NodePort Service, and a plain GET from the host.
import { request } from 'node:http';
import { BUSYBOX_IMAGE } from '../../docker/images';

/** A Deployment `web` of `replicas` httpd pods (readiness probed), optionally with liveness too. */
export function webDeployment(replicas: number, opts: { liveness?: boolean } = {}): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${BUSYBOX_IMAGE}
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www']
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }${
          opts.liveness ? '\n        livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2, failureThreshold: 3 }' : ''
        }
`;
}

/** A NodePort Service `web` in front of it. */
export const webService = `
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

/** GET / on 127.0.0.1:port; resolves with the body (a pod's hostname). */
export function httpGet(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
