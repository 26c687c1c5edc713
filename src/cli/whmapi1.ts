// `linkbroker whmapi1 FUNCTION key=value…`: runs a WHM API 1 function directly on the data dir,
// without HTTP, and prints the JSON envelope — like cPanel's own whmapi1.
import { resolve } from 'node:path';
import { createFileSessionRecords } from '../accounts/session-files.ts';
import { createSessions } from '../accounts/sessions.ts';
import { createLogger } from '../log.ts';
import { createBroker, defaultPublicUrl } from '../runtime.ts';
import { createFileStore } from '../store/file-store.ts';
import type { WhmArgs } from '../whm/args.ts';
import { whmFunctions } from '../whm/functions/index.ts';
import { answerSucceeded, runWhmFunction } from '../whm/registry.ts';
import { configOrExit } from './serve.ts';

export function parseKeyValues(pairs: string[]): WhmArgs | string {
  const args: WhmArgs = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `argument “${pair}” is not of the form key=value`;
    const key = pair.slice(0, eq);
    if (!Object.hasOwn(args, key)) args[key] = pair.slice(eq + 1);
  }
  return args;
}

export async function runWhmapi1(argv: string[]): Promise<number> {
  const [name, ...pairs] = argv;
  if (!name || name.startsWith('-')) {
    console.error('usage: linkbroker whmapi1 FUNCTION [key=value…]');
    return 2;
  }
  const args = parseKeyValues(pairs);
  if (typeof args === 'string') {
    console.error(`linkbroker whmapi1: ${args}`);
    return 2;
  }
  const config = configOrExit();
  if (!config) return 1;
  // Logs go to stderr so that stdout is exactly the JSON envelope.
  const logger = createLogger((line) => process.stderr.write(`${line}\n`));
  const dataDir = resolve(config.dataDir);
  const store = createFileStore({ dataDir, logger });
  // No start-up recovery: the server may be running on this data dir, and its writes in
  // progress would look like leftovers. The server recovers when it starts.
  await store.init({ recover: false });
  const broker = createBroker(store, logger);
  // Sessions live in the data dir, so a login URL made here works on the running server.
  const sessions = createSessions(await createFileSessionRecords(dataDir));
  const publicUrl = config.publicUrl ?? defaultPublicUrl(config.host, config.port);
  try {
    const answer = await runWhmFunction(
      whmFunctions,
      { store, logger, now: Date.now, broker, sessions, publicUrl: () => publicUrl },
      name,
      args,
    );
    console.log(JSON.stringify(answer, null, 2));
    return answerSucceeded(answer) ? 0 : 1;
  } finally {
    await broker.partner.close();
  }
}
