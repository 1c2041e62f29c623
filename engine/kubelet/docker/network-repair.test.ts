import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { detachedSandboxes } from './network-repair';
import { L, SANDBOX } from '../../docker/names';

const sandbox = (id: string, state: string, mode: string, networks: string[], container = SANDBOX) =>
  ({
    Id: id,
    State: state,
    Labels: { [L.container]: container },
    HostConfig: { NetworkMode: mode },
    NetworkSettings: { Networks: Object.fromEntries(networks.map((n) => [n, {}])) },
  }) as unknown as Docker.ContainerInfo;

void test('detachedSandboxes: running sandboxes made on the cluster network that no longer have it', () => {
  const found = detachedSandboxes(
    [
      sandbox('lost', 'running', 'skiff-x', []),
      sandbox('fine', 'running', 'skiff-x', ['skiff-x']),
      sandbox('host', 'running', 'host', []),
      sandbox('stopped', 'exited', 'skiff-x', []),
      sandbox('app', 'running', 'skiff-x', [], 'web'),
    ],
    'skiff-x',
  );
  assert.deepEqual(
    found.map((c) => c.Id),
    ['lost'],
  );
});
