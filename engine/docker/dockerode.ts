// dockerode, loaded without what Skiff never uses on its way up: its BuildKit session (gRPC and
// protobuf, about half of dockerode's load time) and docker-modem's SSH transport (ssh2, a
// quarter). Each is replaced in the require cache by a stand-in that loads the real module on
// first call, so `docker buildx`-style builds and DOCKER_HOST=ssh://... still work as before.
// Every part of Skiff takes its dockerode from here: whoever loads it first decides its cost.
import { createRequire } from 'node:module';
import type DockerClass from 'dockerode';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const require = createRequire(import.meta.url);

/** Puts a forwarding stand-in for the CommonJS module at `path` (which exports a function) in the cache. */
function deferFunctionModule(path: string): void {
  if (require.cache[path]) return; // already loaded, for real or deferred
  let real: Fn | undefined;
  const load = (): Fn => {
    if (!real) {
      delete require.cache[path];
      real = require(path) as Fn;
    }
    return real;
  };
  const standIn = function (this: unknown, ...args: unknown[]) {
    return load().apply(this, args);
  };
  require.cache[path] = { id: path, filename: path, loaded: true, exports: standIn, children: [], paths: [] } as unknown as NodeJS.Module;
}

function loadDockerode(): typeof DockerClass {
  try {
    const main = require.resolve('dockerode');
    const fromDockerode = createRequire(main);
    deferFunctionModule(fromDockerode.resolve('./session'));
    deferFunctionModule(createRequire(fromDockerode.resolve('docker-modem')).resolve('./ssh'));
  } catch {
    // a different layout: load it whole
  }
  return require('dockerode') as typeof DockerClass;
}

export const Docker: typeof DockerClass = loadDockerode();
