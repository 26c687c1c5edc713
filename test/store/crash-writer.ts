// Child process for the crash test: replaces a few links in a tight loop and prints each
// acknowledged generation ("APP GEN") until the parent kills it with SIGKILL.
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';

const [dataDir, start = '0'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-writer.ts DATADIR [FIRST_GENERATION]');

const CRASH_USER = 'crash';
const CRASH_APPS = ['alpha', 'beta', 'gamma'];

const store = createFileStore({ dataDir, logger: silentLogger });
await store.init();
await store.createAccount({ user: CRASH_USER, domain: 'crash.example', created: 1 });
process.stdout.write('ready\n');

let generation = Number(start);
await Promise.all(
  CRASH_APPS.map(async (app) => {
    for (;;) {
      const gen = ++generation;
      const config = { label: `gen-${gen}`, url: `https://partner.example/${app}/${gen}` };
      if (!(await store.putLink(CRASH_USER, app, config, `tok-${gen}`))) {
        throw new Error(`no account ${CRASH_USER}`);
      }
      // Written synchronously to a pipe, so whatever the parent reads was acknowledged.
      process.stdout.write(`${app} ${gen}\n`);
    }
  }),
);
