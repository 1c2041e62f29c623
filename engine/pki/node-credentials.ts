// A joined machine's client certificate and key, kept as one PEM file (node.pem: the
// certificate chain, then the key), as the kubelet keeps kubelet-client-current.pem. One file
// written by temp + fsync + rename means a crash — during the first write or a rotation — leaves
// either the old pair or the new one, never a certificate beside another certificate's key.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from './private-file';

export const NODE_CREDENTIALS_FILE = 'node.pem';

export interface NodeCredentials {
  cert: string;
  key: string;
}

const BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\n?/g;

export function writeNodeCredentials(dir: string, c: NodeCredentials): void {
  const text = `${c.cert.trimEnd()}\n${c.key.trimEnd()}\n`;
  writePrivateFile(join(dir, NODE_CREDENTIALS_FILE), text);
  // Files of the earlier two-file layout would be stale from now on.
  for (const f of ['node.crt', 'node.key']) rmSync(join(dir, f), { force: true });
}

/** The pair in `dir`: node.pem, else (written by an earlier version) node.crt and node.key. */
export function readNodeCredentials(dir: string): NodeCredentials {
  const path = join(dir, NODE_CREDENTIALS_FILE);
  if (!existsSync(path) && existsSync(join(dir, 'node.crt')))
    return { cert: readFileSync(join(dir, 'node.crt'), 'utf8'), key: readFileSync(join(dir, 'node.key'), 'utf8') };
  const blocks = [...readFileSync(path, 'utf8').matchAll(BLOCK)];
  const cert = blocks.filter((b) => b[1] === 'CERTIFICATE').map((b) => b[0].trimEnd() + '\n');
  const key = blocks.find((b) => b[1].endsWith('PRIVATE KEY'));
  if (!cert.length || !key) throw new Error(`${path} does not hold a certificate and its key`);
  return { cert: cert.join(''), key: key[0].trimEnd() + '\n' };
}
