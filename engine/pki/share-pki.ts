// A second control-plane instance of one cluster needs the first one's CA, service-account
// signing key and admin credentials (kubeadm's HA guide copies ca.crt, ca.key, sa.key the same
// way before `kubeadm join --control-plane`); its serving certificate is its own, issued from
// that CA on its first start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-file';
import { PKI_FILES } from './load-or-create-pki';

/** What an instance shares with the others (never the serving key). */
export const SHARED_PKI_FILES = [
  PKI_FILES.caCert,
  PKI_FILES.caKey,
  PKI_FILES.serviceAccountKey,
  PKI_FILES.adminCert,
  PKI_FILES.adminKey,
  PKI_FILES.adminToken,
] as const;

export class PkiShareError extends Error {}

/**
 * Copies the shared files from `fromDir` into `toDir`. Does nothing when `toDir` already holds
 * the same CA; refuses when it holds another one (its tokens and certificates would not verify).
 */
export function adoptSharedPki(fromDir: string, toDir: string): 'copied' | 'same' {
  const missing = SHARED_PKI_FILES.filter((f) => !existsSync(join(fromDir, f)));
  if (missing.length) throw new PkiShareError(`${fromDir} lacks ${missing.join(', ')} (not a Skiff pki directory)`);
  const theirs = readFileSync(join(fromDir, PKI_FILES.caCert), 'utf8');
  const ours = join(toDir, PKI_FILES.caCert);
  if (existsSync(ours)) {
    if (readFileSync(ours, 'utf8') === theirs) return 'same';
    throw new PkiShareError(`${toDir} already holds another cluster CA`);
  }
  ensurePrivateDir(toDir);
  for (const f of SHARED_PKI_FILES) writePrivateFile(join(toDir, f), readFileSync(join(fromDir, f), 'utf8'));
  return 'copied';
}
