// Child process for the lock tests: takes the lock NAME in DATADIR/locks, prints "held", and
// keeps it for MS milliseconds (then releases it and exits) or, with MS 0, until it is killed.
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/log.ts';
import { createFileLocks } from '../../src/store/file-lock.ts';

const [dataDir = '', name = '', ms = '0'] = process.argv.slice(2);
const withLock = createFileLocks({ dir: `${dataDir}/locks`, logger: silentLogger });
await withLock(name, async () => {
  process.stdout.write('held\n');
  await sleep(Number(ms) || 3_600_000);
});
