// Docker tests skip only when Docker is absent and SKIFF_REQUIRE_DOCKER is unset; CI sets it so
// a broken Docker fails loudly instead of passing by skipping.
import { execFile } from 'node:child_process';
import { describe } from 'node:test';

let cached: Promise<boolean> | undefined;

/** True when `docker info` answers (the engine is reachable). */
export function dockerAvailable(): Promise<boolean> {
  cached ??= new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 }, (err) => resolve(!err));
  });
  return cached;
}

/** The reason to skip Docker tests, or false to run them; throws when Docker is required but absent. */
export async function dockerSkip(): Promise<string | false> {
  if (await dockerAvailable()) return false;
  if (process.env.SKIFF_REQUIRE_DOCKER) throw new Error('SKIFF_REQUIRE_DOCKER is set but `docker info` fails: start the Docker engine');
  return 'Docker is not available';
}

/** `describe` that skips when Docker is absent (and fails when SKIFF_REQUIRE_DOCKER is set). */
export async function describeDocker(name: string, fn: () => void | Promise<void>): Promise<void> {
  const skip = await dockerSkip();
  await describe(name, { skip }, fn);
}
