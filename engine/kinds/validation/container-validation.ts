// Container checks shared by pods and pod templates: names, images, ports, env, mounts,
// resources and probes, with the paths and messages kube-apiserver reports.
import type { FieldError } from '../types';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isDNS1123Label,
  isValidPortName,
  isValidPortNum,
  key,
  notFound,
  oneOf,
  required,
  validateQuantity,
} from './validation';
import { parseQuantity } from '../../apimachinery/quantity';
import { validateMountSubPaths } from './volume-paths';
import type { Container, ContainerPort, EnvVar, Probe, ResourceRequirements, VolumeMount } from '../../apimachinery/pod-types';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateEnv(env: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = index(path, i);
    if (!e.name) errs.push(required(child(p, 'name')));
    // Relaxed env names (default since 1.32): printable ASCII without '='.
    else if (!/^[\x20-\x7e]+$/.test(e.name) || e.name.includes('=')) {
      errs.push(
        invalid(
          child(p, 'name'),
          e.name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
    }
    if (e.value !== undefined && e.valueFrom) {
      errs.push(invalid(child(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
    }
  });
  return errs;
}

function validatePorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name !== undefined && port.name !== '') {
      for (const m of isValidPortName(port.name)) errs.push(invalid(child(p, 'name'), port.name, m));
      if (names.has(port.name)) errs.push(duplicate(child(p, 'name'), port.name));
      names.add(port.name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(required(child(p, 'containerPort')));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(child(p, 'containerPort'), port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(child(p, 'hostPort'), port.hostPort, m));
    if (!port.protocol) errs.push(required(child(p, 'protocol')));
    else errs.push(...oneOf(child(p, 'protocol'), port.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

function validateResourceName(name: string, path: string): FieldError[] {
  if (STANDARD_RESOURCES.has(name) || name.startsWith('hugepages-') || name.includes('/')) return [];
  return [invalid(path, name, 'must be a standard resource for containers')];
}

export function validateResources(res: ResourceRequirements | undefined, path: string): FieldError[] {
  if (!res) return [];
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = res.limits ?? {};
  for (const [name, q] of Object.entries(limits)) {
    errs.push(...validateResourceName(name, key(limPath, name)), ...validateQuantity(key(limPath, name), q));
  }
  for (const [name, q] of Object.entries(res.requests ?? {})) {
    errs.push(...validateResourceName(name, key(reqPath, name)), ...validateQuantity(key(reqPath, name), q));
    if (limits[name] === undefined) continue;
    const r = parseQuantity(q);
    const l = parseQuantity(limits[name]);
    if (r === null || l === null) continue;
    // Huge pages cannot be overcommitted: request and limit must be equal.
    if (name.startsWith('hugepages-') && r !== l) {
      errs.push(invalid(reqPath, String(q), `must be equal to ${name} limit of ${limits[name]}`));
    } else if (r > l) {
      errs.push(invalid(reqPath, String(q), `must be less than or equal to ${name} limit of ${limits[name]}`));
    }
  }
  return errs;
}

function validateProbe(probe: Probe | undefined, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => probe[h]);
  if (handlers.length === 0) errs.push(required(path, 'must specify a handler type'));
  else if (handlers.length > 1) errs.push(forbidden(child(path, handlers[1]), 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f];
    if (typeof v === 'number' && v < 0) errs.push(invalid(child(path, f), v, 'must be greater than or equal to 0'));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (typeof port === 'number') {
    const sub = probe.httpGet ? 'httpGet' : 'tcpSocket';
    for (const m of isValidPortNum(port)) errs.push(invalid(child(child(path, sub), 'port'), port, m));
  }
  return errs;
}

function validateMounts(mounts: VolumeMount[] | undefined, path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = index(path, i);
    if (!m.name) errs.push(required(child(p, 'name')));
    else if (!volumes.has(m.name)) errs.push(notFound(child(p, 'name'), m.name));
    if (!m.mountPath) errs.push(required(child(p, 'mountPath')));
    else if (paths.has(m.mountPath)) errs.push(invalid(child(p, 'mountPath'), m.mountPath, 'must be unique'));
    if (m.mountPath) paths.add(m.mountPath);
    errs.push(...validateMountSubPaths(m, p, path));
  });
  return errs;
}

/**
 * Validates one list of containers. `seen` carries names across init and app containers,
 * which share one namespace of names.
 */
export function validateContainers(
  containers: Container[] | undefined,
  path: string,
  volumes: Set<string>,
  seen: Set<string>,
  init: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((c, i) => {
    const p = index(path, i);
    if (!c.name) errs.push(required(child(p, 'name')));
    else {
      for (const m of isDNS1123Label(c.name)) errs.push(invalid(child(p, 'name'), c.name, m));
      if (seen.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
      seen.add(c.name);
    }
    if (!c.image || String(c.image).trim() === '') errs.push(required(child(p, 'image')));
    else if (String(c.image) !== String(c.image).trim())
      errs.push(invalid(child(p, 'image'), c.image, 'must not have leading or trailing whitespace'));
    if (c.imagePullPolicy === undefined) errs.push(required(child(p, 'imagePullPolicy')));
    else errs.push(...oneOf(child(p, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
    errs.push(...oneOf(child(p, 'terminationMessagePolicy'), c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
    errs.push(...validatePorts(c.ports, child(p, 'ports')));
    errs.push(...validateEnv(c.env, child(p, 'env')));
    errs.push(...validateMounts(c.volumeMounts, child(p, 'volumeMounts'), volumes));
    errs.push(...validateResources(c.resources, child(p, 'resources')));
    const sidecar = init && c.restartPolicy === 'Always';
    if (init && !sidecar) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[probe]) errs.push(forbidden(child(p, probe), 'may not be set for init containers without restartPolicy=Always'));
      }
    } else {
      errs.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), true));
      errs.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), false));
      errs.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), true));
    }
    if (init && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(...oneOf(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    }
    if (!init && c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return errs;
}
