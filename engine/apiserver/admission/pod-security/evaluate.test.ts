import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, violationsText } from './evaluate';
import { LATEST, type Level } from './levels';
import type { PodSpecFields } from './pod-fields';

const at = (level: Level, minor?: number) => ({ level, version: minor === undefined ? LATEST : { latest: false as const, minor } });
const text = (level: Level, spec: PodSpecFields, annotations: Record<string, string> = {}, minor?: number) =>
  violationsText(evaluatePod(at(level, minor), { annotations }, spec));
const c = (name: string, securityContext: object = {}, extra: object = {}) => ({ name, image: 'x', securityContext, ...extra });
/** A pod that passes restricted: non-root, no escalation, all capabilities dropped, RuntimeDefault seccomp. */
const hardened = (): PodSpecFields => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [c('app', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })],
});

test('baseline refuses each host-level escape with upstream wording, in upstream order', () => {
  const spec: PodSpecFields = {
    hostNetwork: true,
    hostPID: true,
    volumes: [
      { name: 'root', hostPath: { path: '/' } },
      { name: 'data', emptyDir: {} },
    ],
    containers: [
      c('a', { privileged: true, capabilities: { add: ['SYS_ADMIN', 'CHOWN'] } }, { ports: [{ containerPort: 80, hostPort: 80 }] }),
      c('b', { privileged: true, procMount: 'Unmasked', seccompProfile: { type: 'Unconfined' } }),
    ],
  };
  assert.equal(
    text('baseline', spec),
    'non-default capabilities (container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
      'host namespaces (hostNetwork=true, hostPID=true), ' +
      'hostPath volumes (volume "root"), ' +
      'hostPort (container "a" uses hostPort 80), ' +
      'privileged (containers "a", "b" must not set securityContext.privileged=true), ' +
      'procMount (container "b" must not set securityContext.procMount to "Unmasked"), ' +
      'seccompProfile (container "b" must not set securityContext.seccompProfile.type to "Unconfined")',
  );
  assert.equal(text('privileged', spec), '', 'privileged allows everything');
});

test('baseline: AppArmor, SELinux, sysctls and hostProcess, by version where upstream changed them', () => {
  const spec: PodSpecFields = {
    securityContext: {
      sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_keepalive_time' }],
      seLinuxOptions: { type: 'container_engine_t' },
      windowsOptions: { hostProcess: true },
    },
    containers: [c('a', { appArmorProfile: { type: 'Unconfined' }, seLinuxOptions: { user: 'root' } })],
  };
  assert.equal(
    text('baseline', spec),
    'forbidden AppArmor profile (container "a" must not set AppArmor profile type to "Unconfined"), ' +
      'seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: user may not be set), ' +
      'forbidden sysctls (kernel.msgmax), ' +
      'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
  );
  // v1.28: tcp_keepalive_time is not yet safe and container_engine_t not yet allowed.
  assert.match(text('baseline', spec, {}, 28), /forbidden sysctls \(kernel\.msgmax, net\.ipv4\.tcp_keepalive_time\)/);
  assert.match(
    text('baseline', spec, {}, 28),
    /pod and container "a" set forbidden securityContext\.seLinuxOptions: type "container_engine_t"; user may not be set/,
  );
  const annotated = text('baseline', { containers: [c('a')] }, { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' });
  assert.equal(
    annotated,
    'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined"")',
  );
  assert.equal(
    text('baseline', { containers: [c('a', { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } })] }),
    '',
    'default capabilities pass',
  );
});

test('restricted adds volume types, escalation, non-root, runAsUser 0, seccomp and capabilities', () => {
  assert.equal(text('restricted', hardened()), '', 'a hardened pod passes');
  assert.equal(
    text('restricted', {
      containers: [c('app')],
      volumes: [
        { name: 'h', hostPath: { path: '/' } },
        { name: 'n', nfs: {} },
      ],
    }),
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
      'restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs"), ' +
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  const root = hardened();
  root.securityContext!.runAsUser = 0;
  root.containers![0].securityContext!.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] };
  assert.equal(
    text('restricted', root),
    'unrestricted capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
      'runAsUser=0 (pod must not set runAsUser=0)',
  );
  // Before v1.23 runAsUser=0 was not checked; before v1.22 baseline's capability check applied.
  assert.equal(
    text('restricted', root, {}, 21),
    'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
  );
});

test('windows pods skip the Linux-only restricted checks from v1.25', () => {
  const spec: PodSpecFields = { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [c('w')] };
  assert.equal(text('restricted', spec), '');
  assert.match(text('restricted', spec, {}, 24), /allowPrivilegeEscalation != false/);
});
