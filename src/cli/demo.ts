// `linkbroker demo` (what `npm start` runs): the server on the data dir (./data by default) plus
// the bundled mock partner and the `demo` account (demo-seed.ts). Safe to run again and again.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { startMockPartner } from '../../mock-partner/index.ts';
import { type Config, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { defaultPublicUrl } from '../runtime.ts';
import { DEMO_USER, demoLoginUrl, seedDemo } from './demo-seed.ts';
import {
  configOrExit,
  printBanner,
  refuseArguments,
  startOrExplain,
  stopGracefully,
  untilSignal,
} from './serve.ts';

const DEMO_USAGE = `usage: linkbroker demo

Starts the server with the bundled mock partner and a demo account (what npm start runs), and
prints a login URL. It takes no arguments: the configuration comes from the environment (see
README.md).`;

/** A word for a POSIX shell: as it is when plain, else in single quotes. */
const shellWord = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The command that makes another login URL for this server: with the variables `whmapi1` needs
 * to find its data dir and write its URL, when they are not what it would take by default.
 */
export function loginCommand(config: Config, serverUrl: string): string {
  const env: string[] = [];
  if (process.env.LINKBROKER_DATA_DIR !== undefined) {
    env.push(`LINKBROKER_DATA_DIR=${shellWord(resolve(config.dataDir))}`);
  }
  // What whmapi1 writes in a shell with none of the variables set.
  const plain = loadConfig({});
  if ((plain.publicUrl ?? defaultPublicUrl(plain.host, plain.port)) !== serverUrl) {
    env.push(`LINKBROKER_PUBLIC_URL=${shellWord(serverUrl)}`);
  }
  return [...env, `npx linkbroker whmapi1 create_user_session user=${DEMO_USER}`].join(' ');
}

export async function runDemo(argv: string[]): Promise<number> {
  const refused = refuseArguments('demo', argv, DEMO_USAGE);
  if (refused !== undefined) return refused;
  const loaded = configOrExit();
  if (!loaded) return 1;
  // Only digests of root credentials are stored, so a token generated on an earlier start
  // cannot be shown again. The demo therefore uses a fresh token for this run (never written
  // to disk) unless LINKBROKER_ROOT_TOKEN sets one.
  const runToken = loaded.rootToken === undefined ? randomBytes(24).toString('base64url') : '';
  const config = { ...loaded, rootToken: loaded.rootToken ?? runToken };
  const logger = createLogger();
  const partner = await startMockPartner({ port: 0 });
  const running = await startOrExplain(config, logger).catch(async (error: unknown) => {
    await partner.close();
    throw error;
  });
  if (!running) {
    await partner.close();
    return 1;
  }
  const deps = running.runtime.deps;
  try {
    // First: the root password, if this start generated (and so stored) one, is shown whatever
    // happens to the demo account next.
    printBanner(running);
    let links: Awaited<ReturnType<typeof seedDemo>>;
    let loginUrl: string;
    try {
      links = await seedDemo(deps, partner.url);
      loginUrl = await demoLoginUrl(deps);
    } catch (error) {
      console.error(
        `linkbroker demo: cannot prepare the demo account in the data dir: ${error instanceof Error ? error.message : String(error)}`,
      );
      await running.close();
      return 1;
    }
    if (runToken) {
      console.log(`  root API token (for this demo run only): ${runToken}`);
      console.log(
        `  try: curl -H 'Authorization: whm root:${runToken}' '${running.url}/json-api/listaccts?api.version=1'`,
      );
    } else {
      console.log('  root API token: the value of LINKBROKER_ROOT_TOKEN');
    }
    console.log(`  mock partner: ${partner.url}/`);
    console.log(`  demo account: ${DEMO_USER} (${links.length} links)`);
    for (const link of links) {
      const shown = link.alsoShownIn ? `${link.shownIn} and ${link.alsoShownIn}` : link.shownIn;
      console.log(`    ${link.app.padEnd(12)} ${link.behaviour.padEnd(18)} ${shown}`);
    }
    console.log('');
    console.log('  Open the demo control panel (single use, valid for 5 minutes):');
    console.log(`    ${loginUrl}`);
    console.log(`  Another login URL: ${loginCommand(config, running.url)}`);
    console.log('');
    await untilSignal();
    // The mock partner last: clicks in progress are still talking to it.
    await stopGracefully(running);
    return 0;
  } catch (error) {
    await running.close();
    throw error;
  } finally {
    await partner.close();
  }
}
