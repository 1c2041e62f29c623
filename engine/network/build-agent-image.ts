// Builds (or finds) the network agent's image by hand: `node --import tsx engine/network/build-agent-image.ts`.
// Skiff does the same by itself when a Docker-backed cluster starts; see engine/network/README.md.
import { Docker } from '../docker/dockerode';
import { ensureAgentImage } from './agent-image';

const docker = new Docker();
try {
  const image = await ensureAgentImage(docker, { log: (line) => console.log(line) });
  console.log(`network agent image: ${image}`);
} catch (e) {
  console.error(`skiff: ${(e as Error).message}`);
  process.exitCode = 1;
}
