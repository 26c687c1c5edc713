#!/usr/bin/env node
// The linkbroker command: loads the TypeScript sources through tsx, so `npx linkbroker`
// works straight after `npm install` with no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig whatever the working directory (tsx would look for one from there):
// without it, JSX (hono/jsx) is compiled for React and every page fails.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
// A reader that stops early (`whmapi1 listaccts | head`) is no failure of the command: what is
// left to print goes nowhere, and the exit code stays the command's own.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
