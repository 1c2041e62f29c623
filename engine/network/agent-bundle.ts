// The agent program as one ES module (engine/network/agent/main.ts and what it imports, Node
// builtins only); its hash names the version. Bundled with esbuild once, then kept in
// dist/net-agent/ beside the list of its sources' content hashes: a start reuses it while every
// source still hashes the same (~1 ms instead of ~80 ms of esbuild), and rebuilds it otherwise.
// A packaged Skiff ships that file and no sources, and uses it as it is.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AgentBundle {
  code: string;
  /** sha256 of the code, first 16 hex digits. */
  hash: string;
}

// This file sits two levels below the root, as does its bundled copy in dist/cli.
const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'engine/network/agent/main.ts';
/** Where a packaged Skiff ships the bundle prebuilt, and where a checkout keeps its last build. */
const KEPT = 'dist/net-agent/agent.mjs';

export interface AgentBundleOptions {
  /** The Skiff checkout (default: this one). */
  root?: string;
  /** Counts esbuild runs (tests). */
  onBuild?(): void;
}

/** What the kept bundle was built from: each source's path (from the root) → sha256 of its text. */
type Inputs = Record<string, string>;
const inputsFile = (bundle: string) => bundle.replace(/\.mjs$/, '.inputs.json');

let cached: Promise<AgentBundle> | undefined;

/** This checkout's agent, loaded once per process. */
export function agentBundle(): Promise<AgentBundle> {
  cached ??= loadAgentBundle().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

/** The kept bundle when its sources are unchanged (or absent), else a fresh build, kept. */
export async function loadAgentBundle(o: AgentBundleOptions = {}): Promise<AgentBundle> {
  const at = o.root ?? root;
  const entry = join(at, ENTRY);
  const kept = join(at, KEPT);
  if (!existsSync(entry)) return prebuilt(kept, `${entry} is missing`);
  const code = keptCode(at, kept) ?? (await build(at, entry, kept, o));
  return withHash(code);
}

/** The kept bundle's code when every source it was built from still hashes the same. */
function keptCode(at: string, kept: string): string | undefined {
  try {
    const inputs = JSON.parse(readFileSync(inputsFile(kept), 'utf8')) as Inputs;
    const names = Object.keys(inputs);
    if (names.length === 0) return undefined;
    for (const name of names) if (sha256(readFileSync(join(at, name))) !== inputs[name]) return undefined;
    return readFileSync(kept, 'utf8');
  } catch {
    return undefined; // absent, unreadable or a source gone: build again
  }
}

async function build(at: string, entry: string, kept: string, o: AgentBundleOptions): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return readFileSync(prebuiltPath(kept, `esbuild is not installed`), 'utf8');
  }
  o.onBuild?.();
  const r = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: at,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node18',
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: '// skiff-net-agent: built by Skiff from engine/network/agent (see engine/network/README.md)' },
  });
  const code = r.outputFiles[0].text;
  const inputs: Inputs = {};
  for (const name of Object.keys(r.metafile.inputs)) inputs[name] = sha256(readFileSync(join(at, name)));
  keep(kept, code, inputs);
  return code;
}

/** Best effort: a read-only install builds again next time, as before. */
function keep(kept: string, code: string, inputs: Inputs): void {
  try {
    mkdirSync(dirname(kept), { recursive: true });
    // Two starts at once may both write: each renames a whole file into place.
    const tmp = `${kept}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, kept);
    writeFileSync(`${tmp}.json`, JSON.stringify(inputs));
    renameSync(`${tmp}.json`, inputsFile(kept));
  } catch {
    // not writable: nothing kept
  }
}

function prebuiltPath(kept: string, why: string): string {
  if (!existsSync(kept))
    throw new Error(`cannot build the network agent (${why}) and there is no prebuilt ${kept}; run npm install in the Skiff checkout`);
  return kept;
}

const prebuilt = (kept: string, why: string) => withHash(readFileSync(prebuiltPath(kept, why), 'utf8'));
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const withHash = (code: string): AgentBundle => ({ code, hash: sha256(code).slice(0, 16) });
