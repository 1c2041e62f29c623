// A joined machine's agent looks at its client certificate before it starts (pki/node-cert-life.ts).
// Expired (the machine was off past the certificate's end): the cluster refuses it, and upstream's
// kubelet would fall back to its bootstrap token; ours stops with what happened and what to do.
// Past 80 % of its life: renewed at once (a CSR made with the still-valid certificate, as the
// running agent's rotation does), so the agent does not start on a certificate about to end.
import { createHttpClient } from '../client/http-client';
import { requestNodeCertificate, type NodeCredentials } from '../kubelet/join/tls-bootstrap';
import { certLife, expiredCertText } from '../pki/node-cert-life';
import { SkiffError, firstLine } from './errors';

export interface StartCertCheck {
  server: string;
  caCert: string;
  nodeName: string;
  creds: NodeCredentials;
  /** Keeps renewed credentials (node.pem). */
  save(creds: NodeCredentials): void;
  log?: (line: string) => void;
  now?: Date;
  /** Asks for a new certificate with the current one (default: the CSR the rotation sends). */
  renew?(creds: NodeCredentials): Promise<NodeCredentials>;
}

/** The credentials to start the agent with; throws a SkiffError when the certificate has expired. */
export async function nodeCredentialsAtStart(o: StartCertCheck): Promise<NodeCredentials> {
  const life = certLife(o.creds.cert, o.now);
  if (life.state === 'fine') return o.creds;
  if (life.state === 'expired') {
    const { what, fix } = expiredCertText(o.nodeName, life.validTo);
    throw new SkiffError(what, fix);
  }
  try {
    const next = o.renew ? await o.renew(o.creds) : await renewWith(o.server, o.caCert, o.nodeName, o.creds);
    o.save(next);
    o.log?.(`node ${o.nodeName}: client certificate was past 80 % of its life; renewed before starting`);
    return next;
  } catch (err) {
    // Still valid: start with it; the agent's rotation keeps trying.
    o.log?.(
      `node ${o.nodeName}: client certificate is past 80 % of its life (valid until ${life.validTo.toISOString()}) and renewing it failed (${firstLine(err)}); starting with it`,
    );
    return o.creds;
  }
}

async function renewWith(server: string, ca: string, nodeName: string, creds: NodeCredentials): Promise<NodeCredentials> {
  const client = createHttpClient({ server, ca, ...creds, timeoutMs: 10_000 });
  try {
    return await requestNodeCertificate(client, nodeName);
  } finally {
    client.close();
  }
}
