// Runs the click benchmarks alone:
// `node bin/run-ts.js bench/run-clicks.ts [path|bridge|pending [CLICKS]]`.
import {
  reportClickPath,
  reportPendingClicks,
  runClickPathBench,
  runPendingClicksBench,
} from './clicks.ts';

const only = process.argv[2];
if (only === undefined || only === 'path' || only === 'bridge') {
  const subject = only === 'bridge' ? 'bridge' : 'launch';
  for (const comparison of await runClickPathBench({ subject })) {
    console.log(reportClickPath(comparison));
  }
}
if (only === undefined || only === 'pending') {
  const clicks = Number(process.argv[3]) || undefined;
  const options = clicks ? { clicks } : {};
  console.log(reportPendingClicks(await runPendingClicksBench(options)));
}
