// `linkbroker whmapi1 FUNCTION key=value…`: runs a WHM API 1 function directly on the data dir,
// without HTTP, and prints the JSON envelope — like cPanel's own whmapi1.
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFileSessionRecords } from '../accounts/session-files.ts';
import { createSessions } from '../accounts/sessions.ts';
import { createLogger } from '../log.ts';
import { createBroker, defaultPublicUrl } from '../runtime.ts';
import { createFileStore } from '../store/file-store.ts';
import { decodeFormComponent, notUtf8, type WhmArgs } from '../whm/args.ts';
import { failure } from '../whm/envelope.ts';
import { whmFunctions } from '../whm/functions/index.ts';
import { answerSucceeded, runWhmFunction, unknownFunctionReason } from '../whm/registry.ts';
import { shownArgument } from './argv.ts';
import { configOrExit, startupFailure } from './serve.ts';

const USAGE = `usage: linkbroker whmapi1 [--output=json|jsonpretty] FUNCTION [key=value…]

Runs a WHM API 1 function on the data dir (LINKBROKER_DATA_DIR) and prints its JSON answer
(pretty unless --output=json); exits 0 when the function succeeded, 1 when it did not. Run it
as the server's own user, so that what it writes stays the server's.`;

/** How the answer is printed: cPanel's whmapi1 output formats that are JSON. */
const OUTPUTS = { json: 0, jsonpretty: 2 } as const;

interface Whmapi1Command {
  name: string;
  pairs: string[];
  indent: number;
}

/** The function, its key=value pairs and the output format; a string is a usage problem. */
export function parseWhmapi1Argv(argv: string[]): Whmapi1Command | string {
  let indent: number = OUTPUTS.jsonpretty;
  const rest: string[] = [];
  for (const [index, arg] of argv.entries()) {
    if (!arg.startsWith('-')) {
      rest.push(arg);
      continue;
    }
    const output = /^--output=(.*)$/.exec(arg)?.[1];
    if (output === undefined) return `unknown option ${shownArgument(arg, index + 1)}`;
    if (!Object.hasOwn(OUTPUTS, output)) {
      return `--output=${output} is not supported: use --output=json or --output=jsonpretty`;
    }
    indent = OUTPUTS[output as keyof typeof OUTPUTS];
  }
  const [name, ...pairs] = rest;
  if (!name) return 'no function named';
  return { name, pairs, indent };
}

/**
 * A key or value as cPanel's command reads it: URI-encoded like a form field (`%20` or `+` for a
 * space, `%2B` for a plus), so a call means what the same pair means over HTTP. A `%` that
 * starts no escape stays as written; a whole argument is one pair, so a bare `&` needs no escape.
 * Escapes that are not UTF-8 are refused, as over HTTP.
 */
export function parseKeyValues(pairs: string[]): WhmArgs | string {
  const args: WhmArgs = Object.create(null);
  for (const [index, pair] of pairs.entries()) {
    const eq = pair.indexOf('=');
    // Not echoed: a stray word may be the rest of a token that a space cut in two.
    if (eq < 0) {
      return `argument ${index + 1} after the function name is not of the form key=value (quote a value that has spaces)`;
    }
    if (eq === 0) return `argument ${index + 1} after the function name has no key before its “=”`;
    const key = decodeFormComponent(pair.slice(0, eq));
    if (key === undefined) return notUtf8(pair.slice(0, eq));
    const value = decodeFormComponent(pair.slice(eq + 1));
    if (value === undefined) return notUtf8(key);
    if (!Object.hasOwn(args, key)) args[key] = value;
  }
  return args;
}

export async function runWhmapi1(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const command = parseWhmapi1Argv(argv);
  if (typeof command === 'string') {
    console.error(`linkbroker whmapi1: ${command}.\n\n${USAGE}`);
    return 2;
  }
  const { name, pairs, indent } = command;
  const args = parseKeyValues(pairs);
  if (typeof args === 'string') {
    console.error(`linkbroker whmapi1: ${args}`);
    return 2;
  }
  // An unknown function is answered before the data dir is opened: a failed call creates nothing.
  if (!whmFunctions.has(name)) {
    console.log(
      JSON.stringify(failure(name, unknownFunctionReason(name)), null, indent || undefined),
    );
    return 1;
  }
  const config = configOrExit();
  if (!config) return 1;
  // Logs go to stderr so that stdout is exactly the JSON envelope.
  const logger = createLogger((line) => process.stderr.write(`${line}\n`));
  const dataDir = resolve(config.dataDir);
  // A mistyped path or another working directory must not look like an empty server.
  if (!existsSync(dataDir)) {
    console.error(
      `linkbroker whmapi1: there is no data dir at ${dataDir} (LINKBROKER_DATA_DIR): start the server once to create it, or set the variable to the server's.`,
    );
    return 1;
  }
  // Nor may another directory that exists: a data dir has accounts/ (a new one is empty).
  let entries: string[];
  try {
    entries = readdirSync(dataDir);
  } catch (error) {
    const line = startupFailure(error, config);
    if (line === undefined) throw error;
    console.error(line);
    return 1;
  }
  if (entries.length > 0 && !entries.includes('accounts')) {
    console.error(
      `linkbroker whmapi1: ${dataDir} (LINKBROKER_DATA_DIR) is not a linkbroker data dir: it has files but no accounts/; set the variable to the server's.`,
    );
    return 1;
  }
  // Files it creates belong to whoever runs it: another user's would lock the server out.
  const owner = statSync(dataDir).uid;
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== owner) {
    console.error(
      `linkbroker whmapi1: warning: running as uid ${uid}, but the data dir belongs to uid ${owner}: what this creates may not be writable by the server; run it as the server's user.`,
    );
  }
  const store = createFileStore({ dataDir, logger });
  let sessions: ReturnType<typeof createSessions>;
  try {
    // No start-up recovery: the server does it when it starts, and a write settles an
    // interrupted write of its own link anyway; one call need not pay for every account's.
    await store.init({ recover: false });
    // Sessions live in the data dir, so a login URL made here works on the running server.
    sessions = createSessions(await createFileSessionRecords(dataDir, logger));
  } catch (error) {
    const line = startupFailure(error, config);
    if (line === undefined) throw error;
    console.error(line);
    return 1;
  }
  const broker = createBroker(store, logger);
  const publicUrl = config.publicUrl ?? defaultPublicUrl(config.host, config.port);
  try {
    const answer = await runWhmFunction(
      whmFunctions,
      { store, logger, now: Date.now, broker, sessions, publicUrl: () => publicUrl },
      name,
      args,
    );
    console.log(JSON.stringify(answer, null, indent || undefined));
    if (answerSucceeded(answer)) return 0;
    // A refused call changes nothing: a data dir that was empty is left empty again.
    if (entries.length === 0) removeEmptyDirs(dataDir);
    return 1;
  } finally {
    await broker.partner.close();
  }
}

/** Removes the empty directories inside `dir`, deepest first; anything holding a file stays. */
function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    removeEmptyDirs(path);
    try {
      rmdirSync(path);
    } catch {
      // Not empty (another process wrote meanwhile): it stays.
    }
  }
}
