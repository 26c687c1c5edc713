// Child process for the cross-process store tests: another process on the same data dir, as
// `linkbroker whmapi1` is beside the server. Roles (argv: ROLE DATADIR …):
//   put TAG N      replaces alice/app N times, then prints {"failures": [...]}
//   writer         replaces alice/a0..a3 in a loop until stdin ends, then prints the counts
//   create K N     after "go" on stdin, creates accounts racing the other creator; prints results
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAccount } from '../../src/accounts/accounts.ts';
import { ConflictError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';

const [role = '', dataDir = '', ...args] = process.argv.slice(2);
const store = createFileStore({ dataDir, logger: silentLogger });
await store.init({ recover: false });
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

if (role === 'put') {
  const [tag = '', n = '0'] = args;
  const failures: string[] = [];
  for (let i = 0; i < Number(n); i++) {
    const config = { label: `${tag}-${i}`, url: `https://${tag}.example/${i}` };
    await store.putLink('alice', 'app', config, `tok-${tag}-${i}`).then(
      (ok) => ok || failures.push(`${i}: no account`),
      (error: unknown) => failures.push(`${i}: ${message(error)}`),
    );
  }
  print({ failures });
} else if (role === 'writer') {
  let running = true;
  process.stdin.on('end', () => {
    running = false;
  });
  process.stdin.resume();
  const counts = { written: 0, refused: 0, failures: [] as string[] };
  process.stdout.write('ready\n');
  await Promise.all(
    ['a0', 'a1', 'a2', 'a3'].map(async (app) => {
      while (running) {
        try {
          const ok = await store.putLink('alice', app, { label: app }, `tok-${app}`);
          counts[ok ? 'written' : 'refused'] += 1;
        } catch (error) {
          counts.failures.push(message(error));
        }
        await sleep(Math.random() * 2);
      }
    }),
  );
  print(counts);
} else if (role === 'create') {
  const [k = '', n = '0'] = args;
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
  const results: string[] = [];
  for (let i = 0; i < Number(n); i++) {
    for (const params of [
      { username: `name${i}`, domain: `name${i}-by${k}.example` },
      { username: `dom${i}by${k}`, domain: `dom${i}.example` },
    ]) {
      try {
        await createAccount(store, params, Date.now);
        results.push('created');
      } catch (error) {
        results.push(error instanceof ConflictError ? 'conflict' : message(error));
      }
    }
  }
  print(results);
} else {
  throw new Error(`unknown role ${role}`);
}
