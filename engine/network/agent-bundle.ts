// The agent program as one ES module (engine/network/agent/main.ts and what it imports, Node
// builtins only), bundled with esbuild when Skiff starts the agent; its hash names the version.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AgentBundle {
  code: string;
  /** sha256 of the code, first 16 hex digits. */
  hash: string;
}

// This file sits two levels below the root, as does its bundled copy in dist/cli.
const root = fileURLToPath(new URL('../..', import.meta.url));
export const AGENT_ENTRY = `${root}engine/network/agent/main.ts`;
/** Where a packaged Skiff may ship the bundle prebuilt (used when esbuild is absent). */
export const PREBUILT_AGENT = `${root}dist/net-agent/agent.mjs`;

let cached: Promise<AgentBundle> | undefined;

export function agentBundle(): Promise<AgentBundle> {
  cached ??= build().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function build(): Promise<AgentBundle> {
  let code: string;
  if (existsSync(AGENT_ENTRY)) {
    let esbuild: typeof import('esbuild');
    try {
      esbuild = await import('esbuild');
    } catch {
      return prebuilt(`esbuild is not installed`);
    }
    const r = await esbuild.build({
      entryPoints: [AGENT_ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node18',
      minify: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: '// skiff-net-agent: built by Skiff from engine/network/agent (see engine/network/README.md)' },
    });
    code = r.outputFiles[0].text;
  } else return prebuilt(`${AGENT_ENTRY} is missing`);
  return { code, hash: createHash('sha256').update(code).digest('hex').slice(0, 16) };
}

function prebuilt(why: string): AgentBundle {
  if (!existsSync(PREBUILT_AGENT))
    throw new Error(
      `cannot build the network agent (${why}) and there is no prebuilt ${PREBUILT_AGENT}; run npm install in the Skiff checkout`,
    );
  const code = readFileSync(PREBUILT_AGENT, 'utf8');
  return { code, hash: createHash('sha256').update(code).digest('hex').slice(0, 16) };
}
