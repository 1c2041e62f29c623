// The host API of profiles beyond the list (paths in protocol.ts): sources, check, exec
// consent, namespaces, removal and a kubeconfig for one profile. Kubeconfig profiles go to
// their registry; local profiles can be checked, listed for namespaces and exported too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HostHttpError, readJsonBody, sendJson, sendText } from '../http/http-util';
import type { KubeconfigProfiles } from './kubeconfig-profiles';
import { standaloneKubeconfig } from './kubeconfig-profile';
import type { KubeTargets } from '../proxy/kube-target';
import { checkProfile, profileNamespaces } from './profile-check';
import { ProfileUnavailable, type ProfileRegistry } from './profiles';

export interface ProfileRoutesOptions {
  /** Every profile (local and kubeconfig). */
  profiles: ProfileRegistry;
  kubeconfigs: KubeconfigProfiles;
  targets: KubeTargets;
}

type Only = (...allowed: string[]) => void;

/** Handles the request and returns true when the path is one of ours. */
export function createProfileRoutes(o: ProfileRoutesOptions) {
  const { kubeconfigs, profiles } = o;

  const any = (name: string) => {
    const p = profiles.get(name);
    if (!p) throw new HostHttpError(404, `profile "${name}" does not exist`, 'list them with GET /api/profiles');
    return p;
  };

  return async function route(req: IncomingMessage, res: ServerResponse, path: string, only: Only): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/api/profile-sources') {
      only('GET', 'POST');
      if (method === 'GET') sendJson(res, 200, kubeconfigs.sources());
      else sendJson(res, 201, kubeconfigs.addSource(await readJsonBody(req)));
      return true;
    }
    const src = /^\/api\/profile-sources\/([^/]+)$/.exec(path);
    if (src) {
      only('DELETE');
      const id = decode(src[1], 'source id');
      kubeconfigs.removeSource(id);
      sendJson(res, 200, { removed: id });
      return true;
    }
    const m = /^\/api\/profiles\/([^/]+)(?:\/(check|consent|namespaces|kubeconfig))?$/.exec(path);
    if (!m) return false;
    const name = decode(m[1], 'profile name');
    const kube = kubeconfigs.entry(name) !== undefined;
    if (!kube) any(name); // 404 for a name nobody knows
    switch (m[2]) {
      case undefined:
        only('DELETE');
        if (!kube) throw notKubeconfig(name, 'removed here; delete the cluster instead');
        sendJson(res, 200, kubeconfigs.removeProfile(name));
        return true;
      case 'check':
        only('POST');
        sendJson(res, 200, kube ? await kubeconfigs.check(name) : await checkProfile(any(name), { targets: o.targets }));
        return true;
      case 'consent':
        only('POST', 'DELETE');
        if (!kube) throw notKubeconfig(name, 'given consent: it runs no command');
        sendJson(res, 200, method === 'POST' ? kubeconfigs.consent(name, await readJsonBody(req)) : kubeconfigs.revokeConsent(name));
        return true;
      case 'namespaces':
        only('GET', 'PUT');
        if (method === 'GET') {
          sendJson(res, 200, kube ? await kubeconfigs.namespaces(name) : await profileNamespaces(any(name), { targets: o.targets }));
          return true;
        }
        if (!kube) throw notKubeconfig(name, 'given an allow-list: its user may list namespaces');
        sendJson(res, 200, kubeconfigs.setNamespaces(name, await readJsonBody(req)));
        return true;
      case 'kubeconfig': {
        only('GET');
        const p = any(name);
        let text: string;
        try {
          text = standaloneKubeconfig(p.exportKubeConfig ? p.exportKubeConfig() : p.kubeConfig(), name);
        } catch (err) {
          if (err instanceof ProfileUnavailable)
            throw new HostHttpError(409, err.message, 'fix the kubeconfig (or start the cluster) first');
          throw err;
        }
        sendText(res, 200, text, {
          'Content-Type': 'application/yaml; charset=utf-8',
          'Content-Disposition': `attachment; filename="${safeFile(name)}.kubeconfig"`,
        });
        return true;
      }
    }
    return false;
  };
}

function notKubeconfig(name: string, what: string): HostHttpError {
  return new HostHttpError(400, `profile "${name}" is a local cluster's profile and cannot be ${what}`);
}

function decode(seg: string, what: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    throw new HostHttpError(400, `the ${what} in the path is not valid percent-encoding`, 'encode it with encodeURIComponent');
  }
}

function safeFile(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'profile';
}
