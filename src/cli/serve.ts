// `linkbroker serve`: the production server, no demo content.
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { type RunningServer, startServer } from '../server.ts';

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
  console.log(`linkbroker listening on ${running.url}`);
  console.log(`  WHM API: ${running.url}/json-api/`);
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

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function runServe(_argv: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 1;
  const running = await startServer(config, createLogger());
  printBanner(running);
  await untilSignal();
  await running.close();
  return 0;
}
