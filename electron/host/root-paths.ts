// Files of the installation the host runs from. This module sits two levels below the root, as
// its esbuild bundle in dist/cli does, so the same relative URL resolves in both.
import { fileURLToPath } from 'node:url';

/** The `skiff` entry point a cluster's child process runs. */
export const SKIFF_BIN = fileURLToPath(new URL('../../bin/skiff.mjs', import.meta.url));
