// What the host's API and kube proxy are made of: clusters, profiles (local and kubeconfig),
// port-forwards, terminals, Helm. app-main.ts loads this module with import() once the server
// listens, so its weight (@kubernetes/client-node, yaml, ws) is not paid before the launch URL
// is printed and the window's static shell is served.
import { createApiRoutes } from './http/api-routes';
import { createAppInfo, type DockerProbe } from './app-info';
import { createClusterManager, type ClusterManager } from './clusters/cluster-manager';
import { createEventHub } from './http/event-hub';
import { createKubeProxy } from './proxy/kube-proxy';
import { createKubeTargets } from './proxy/kube-target';
import { createKubeconfigProfiles } from './profiles/kubeconfig-profiles';
import { createLocalProfiles } from './profiles/local-profiles';
import { createLocalTerminals } from './terminals/local-terminal';
import { createPortForwards } from './port-forward/port-forwards';
import { followAnswers } from './profiles/profile-answers';
import { createProfileEvents } from './profiles/profile-events';
import { combineRegistries } from './profiles/profiles';
import type { SecretBox } from './profiles/secret-box';
import type { RequestHandler, UpgradeHandler } from './http/server';
import { createWorkspaceFile } from './workspace/workspace-file';
import { createHelmActions } from './helm/helm-actions';
import { createAppSettingsFile } from './clusters/app-settings';

type Env = Record<string, string | undefined>;

export interface AppServicesOptions {
  dataDir: string;
  env: Env;
  log: (line: string) => void;
  pollMs?: number;
  docker?: DockerProbe;
  mode?: 'web' | 'electron';
  secretBox?: SecretBox;
  profilePollMs?: number;
  autoCheck?: boolean;
}

export interface AppServices {
  clusters: ClusterManager;
  /** /api/* */
  api: RequestHandler;
  /** /k8s/* */
  kubeProxy: UpgradeHandler;
  /** Stops watches, terminals and port-forwards; clusters keep running. */
  close(): void;
}

export async function createAppServices(o: AppServicesOptions): Promise<AppServices> {
  const { dataDir, env, log } = o;
  const hub = createEventHub(log);
  const clusters = createClusterManager({ dataDir, hub, env, log, pollMs: o.pollMs });
  const local = createLocalProfiles({ dataDir, clusters, hub, emit: false });
  try {
    await clusters.refresh(); // so the first page load already sees clusters started by the CLI
  } catch (err) {
    clusters.close();
    local.close();
    throw err;
  }
  const kubeconfigs = createKubeconfigProfiles({
    dataDir,
    env,
    log,
    box: o.secretBox,
    watch: true,
    pollMs: o.profilePollMs,
    autoCheck: o.autoCheck ?? true,
    reserved: () => local.list().map((p) => p.name),
  });
  const profiles = combineRegistries(local, kubeconfigs);
  const profileEvents = createProfileEvents({
    hub,
    list: () => profiles.list(),
    sources: () => kubeconfigs.sources(),
    onKubeconfigChange: (listener) => kubeconfigs.onChange(listener),
    log,
  });
  const targets = createKubeTargets();
  const portForwards = createPortForwards({ profiles, hub, targets, log });
  const terminals = createLocalTerminals({ profiles, env, log });
  const api = createApiRoutes({
    clusters,
    profiles,
    hub,
    log,
    kubeconfigs,
    targets,
    portForwards,
    terminals,
    workspace: createWorkspaceFile(dataDir),
    settings: createAppSettingsFile(dataDir),
    helm: createHelmActions({ profiles, env, log, targets }),
    dataDir,
    env,
    appInfo: createAppInfo({ dataDir, env, docker: o.docker, mode: o.mode }),
  });
  const kubeProxy = createKubeProxy({ profiles, log, onAnswer: followAnswers({ kubeconfigs, clusters, local }) });
  const close = () => {
    api.close?.();
    kubeProxy.close?.();
    clusters.close();
    terminals.close();
    void portForwards.close();
    profileEvents.close();
    kubeconfigs.close();
    targets.close();
    local.close();
  };
  return { clusters, api, kubeProxy, close };
}
