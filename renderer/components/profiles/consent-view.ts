// What the consent dialog shows, worked out from a profile summary: the command its
// credentials run, the credential files read from outside its kubeconfig's folder, and where
// the credentials go (server, the CA that must vouch for it with each certificate's
// fingerprint, tls-server-name, proxy). The host binds a consent to exactly these (consent-need.ts
// there), and Allow sends the same back (consentRequest) so an edit made meanwhile is refused.
import type { CaCertificate, ConsentFile, ExecCommand, ExecConsentRequest, ProfileSummary } from '../../../electron/host/protocol';

export interface ConsentView {
  title: string;
  /** One sentence on why it is asked. */
  why: string;
  runs?: Pick<ExecCommand, 'command' | 'args' | 'via' | 'installHint'> & { envNames: string[] };
  files: Array<ConsentFile & { label: string }>;
  server: string;
  /** How the server is verified, in words ("the CA below (SHA-256 of the file …)", "system roots", …). */
  caText: string;
  caCertificates: CaCertificate[];
  tlsServerName?: string;
  proxyUrl?: string;
  /** Things that make the target weaker than it looks (no TLS, TLS not verified, unreadable CA). */
  warnings: string[];
  consented: boolean;
}

const FIELD_LABEL: Record<ConsentFile['field'], string> = {
  'token-file': 'token file (its content is sent to the server)',
  'client-certificate': 'client certificate',
  'client-key': 'client key',
};

export function consentView(p: ProfileSummary): ConsentView | undefined {
  const c = p.consent;
  const exec = p.exec;
  if (!c && !exec) return undefined;
  const target = c?.target ?? { server: p.server ?? '', ca: '' };
  const files = (c?.files ?? []).map((f) => ({ ...f, label: FIELD_LABEL[f.field] ?? f.field }));
  const warnings: string[] = [];
  let caText: string;
  if (target.ca === 'plain http') {
    caText = 'none: plain http';
    warnings.push('The server is plain http: the credentials travel unencrypted.');
  } else if (target.ca === 'not verified') {
    caText = 'not verified (insecure-skip-tls-verify)';
    warnings.push("The server's certificate is not verified: anyone on the way can pose as the server and take the credentials.");
  } else if (target.ca === 'system roots') caText = "this computer's trusted authorities";
  else if (target.ca.startsWith('unreadable ')) {
    caText = `the CA file ${target.ca.slice('unreadable '.length)}, which cannot be read`;
    warnings.push('The CA file cannot be read: connecting will fail until it can.');
  } else if (target.ca.startsWith('sha256:')) caText = `the kubeconfig's CA (file SHA-256 ${target.ca.slice(7, 23)}…)`;
  else caText = target.ca || 'unknown';
  const doing = [exec ? `run ${exec.command}` : '', files.length ? `read ${files.length === 1 ? 'a file' : `${files.length} files`}` : '']
    .filter(Boolean)
    .join(' and ');
  return {
    title: exec ? `Allow profile ${p.name} to run a command?` : `Allow profile ${p.name} to read credential files?`,
    why:
      `To get its credentials this profile would ${doing || 'use credentials'} on this computer, and send them to the server below. ` +
      'Skiff does nothing of it until you allow it; your answer holds for exactly what this dialog shows, and a change to any of it asks again.',
    ...(exec
      ? {
          runs: {
            command: exec.command,
            args: exec.args,
            via: exec.via,
            ...(exec.installHint ? { installHint: exec.installHint } : {}),
            envNames: exec.env.map((e) => e.name),
          },
        }
      : {}),
    files,
    server: target.server,
    caText,
    caCertificates: target.caCertificates ?? [],
    ...(target.tlsServerName ? { tlsServerName: target.tlsServerName } : {}),
    ...(target.proxyUrl ? { proxyUrl: target.proxyUrl } : {}),
    warnings,
    consented: c ? c.consented : Boolean(exec?.consented),
  };
}

/** What Allow sends: everything shown, so the host refuses when the kubeconfig changed since. */
export function consentRequest(p: ProfileSummary): ExecConsentRequest {
  return {
    ...(p.exec ? { command: p.exec.command, args: p.exec.args, env: p.exec.env } : {}),
    ...(p.consent ? { files: p.consent.files, target: p.consent.target } : {}),
  };
}

/** The profile waits for the user's consent (a command to run or files to read). */
export function needsConsent(p: ProfileSummary | undefined): boolean {
  if (!p) return false;
  if (p.consent) return !p.consent.consented;
  return Boolean(p.exec && !p.exec.consented);
}
