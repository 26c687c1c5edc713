#!/usr/bin/env node
import { resolve } from 'node:path';
// Runs a TypeScript entry point with tsx's loader, so no build step is needed.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig whatever the working directory (tsx would look for one from there):
// without it, JSX (hono/jsx) is compiled for React and every page fails.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const entry = process.argv[2];
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [args…]');
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(resolve(entry)).href);
