// Bundles the CLI once before a test spawns `skiff`, so no later run rebuilds dist/cli while a
// server is still lazy-loading its chunks.
type CliBuilder = { isFresh(): boolean; buildCli(): Promise<void> };

export async function ensureCliBuilt(): Promise<void> {
  const script: string = '../../scripts/build-cli.mjs'; // an untyped script: not resolved by tsc
  const cli = (await import(script)) as CliBuilder;
  if (!cli.isFresh()) await cli.buildCli();
}
