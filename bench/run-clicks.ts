// Runs the click benchmarks alone: `node bin/run-ts.js bench/run-clicks.ts [path|pending]`.
import {
  reportClickPath,
  reportPendingClicks,
  runClickPathBench,
  runPendingClicksBench,
} from './clicks.ts';

const only = process.argv[2];
if (only === undefined || only === 'path') {
  for (const comparison of await runClickPathBench()) console.log(reportClickPath(comparison));
}
if (only === undefined || only === 'pending') {
  const [clicks, rampBatch, rampEveryMs] = process.argv.slice(3).map(Number);
  const options = {
    ...(clicks ? { clicks } : {}),
    ...(rampBatch ? { rampBatch } : {}),
    ...(rampEveryMs ? { rampEveryMs } : {}),
  };
  console.log(reportPendingClicks(await runPendingClicksBench(options)));
}
