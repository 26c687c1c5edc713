#!/usr/bin/env node
// The linkbroker command: loads the TypeScript sources through tsx, so `npx linkbroker`
// works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
