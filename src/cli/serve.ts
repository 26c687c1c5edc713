// `linkbroker serve`: the production server, no demo content.
import { resolve } from 'node:path';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import { type RunningServer, startServer } from '../server.ts';
import { StoreIntegrityError } from '../store/store.ts';
import { API_DOCS_PATH } from '../ui/api-docs-routes.tsx';
import { shownArgument } from './argv.ts';

const SERVE_USAGE = `usage: linkbroker serve

Starts the server: the WHM API, the end-user pages and the broker. It takes no arguments: the
configuration comes from the environment (PORT, LINKBROKER_HOST, LINKBROKER_DATA_DIR, …; see
README.md).`;

/**
 * serve and demo take their configuration from the environment only: --help prints `usage`
 * (exit 0), anything else is refused (exit 2) rather than ignored. Undefined: go on.
 */
export function refuseArguments(
  command: string,
  argv: string[],
  usage: string,
): number | undefined {
  const [first] = argv;
  if (first === undefined) return undefined;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  console.error(
    `linkbroker ${command}: unexpected argument ${shownArgument(first, 1)}: the configuration comes from the environment (see linkbroker ${command} --help).`,
  );
  return 2;
}

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EADDRNOTAVAIL: 'that address is not one of this machine’s',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (yet)',
};

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'a file is in the way',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ELOOP: 'a symlink where a directory should be',
};

/** One line for a failure to start (the port, the data dir), or undefined for anything else. */
export function startupFailure(error: unknown, config: Config): string | undefined {
  const dataDir = `the data dir ${resolve(config.dataDir)} (LINKBROKER_DATA_DIR)`;
  if (error instanceof StoreIntegrityError)
    return `linkbroker: cannot use ${dataDir}: ${error.message}`;
  const { code, syscall, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string') return undefined;
  if (syscall === 'listen' || syscall === 'getaddrinfo') {
    const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    return `linkbroker: cannot listen on ${where} (LINKBROKER_HOST, PORT): ${LISTEN_PROBLEMS[code] ?? code}`;
  }
  if (typeof path === 'string') {
    return `linkbroker: cannot use ${dataDir}: ${FILE_PROBLEMS[code] ?? code} (${path})`;
  }
  return undefined;
}

/** Starts the server, or prints in one line why it cannot start and returns undefined. */
export async function startOrExplain(
  config: Config,
  logger: Logger,
): Promise<RunningServer | undefined> {
  try {
    return await startServer(config, logger);
  } catch (error) {
    const line = startupFailure(error, config);
    if (line === undefined) throw error;
    console.error(line);
    return undefined;
  }
}

/** Loads the configuration, or prints the one-line reason and returns undefined. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env) {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return undefined;
    }
    throw error;
  }
}

/** Prints the start-up banner: the URL, and any secret generated on this start (only now). */
export function printBanner(running: RunningServer): void {
  const { generated } = running.runtime;
  console.log(`linkbroker listening on ${running.listenUrl}`);
  if (running.url !== running.listenUrl) console.log(`  public URL: ${running.url}`);
  console.log(
    `  WHM API: ${running.url}/json-api/FUNCTION (reference: ${running.url}${API_DOCS_PATH})`,
  );
  if (generated.rootPassword) {
    console.log(`  root password (generated, shown only once): ${generated.rootPassword}`);
  }
  if (generated.rootToken) {
    console.log(`  root API token (generated, shown only once): ${generated.rootToken}`);
    console.log(
      `  try: curl -H 'Authorization: whm root:${generated.rootToken}' '${running.url}/json-api/listaccts?api.version=1'`,
    );
  }
}

/**
 * How long a stop waits for the requests in progress: a click waits on its partner for at most
 * one attempt (10 s) plus a transient retry's backoff.
 */
export const SHUTDOWN_DRAIN_MS = 12_000;

/**
 * Stops the server as a signal asks: requests in progress finish (up to SHUTDOWN_DRAIN_MS), a
 * second signal cuts them at once.
 */
export async function stopGracefully(running: RunningServer): Promise<void> {
  console.error(
    `linkbroker: stopping; finishing the requests in progress (at most ${SHUTDOWN_DRAIN_MS / 1000} s, signal again to stop now)`,
  );
  const again = () => running.dropConnections();
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  try {
    await running.close(SHUTDOWN_DRAIN_MS);
  } finally {
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  }
}

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function runServe(argv: string[]): Promise<number> {
  const refused = refuseArguments('serve', argv, SERVE_USAGE);
  if (refused !== undefined) return refused;
  const config = configOrExit();
  if (!config) return 1;
  const running = await startOrExplain(config, createLogger());
  if (!running) return 1;
  printBanner(running);
  await untilSignal();
  await stopGracefully(running);
  return 0;
}
