// Runs the click benchmarks alone:
// `node bin/run-ts.js bench/run-clicks.ts [path|bridge|client|pending|pending-bridge [CLICKS]]`.
import {
  reportClickPath,
  reportPendingClicks,
  runClickPathBench,
  runPartnerClientBench,
  runPendingClicksBench,
} from './clicks.ts';
import { report } from './harness.ts';

const only = process.argv[2];
if (only === undefined || only === 'path' || only === 'bridge') {
  const subject = only === 'bridge' ? 'bridge' : 'launch';
  for (const comparison of await runClickPathBench({ subject })) {
    console.log(reportClickPath(comparison));
  }
}
if (only === undefined || only === 'client') console.log(report(await runPartnerClientBench()));
if (only === undefined || only === 'pending' || only === 'pending-bridge') {
  const clicks = Number(process.argv[3]) || undefined;
  const subject = only === 'pending-bridge' ? 'bridge' : 'launch';
  console.log(
    reportPendingClicks(await runPendingClicksBench({ subject, ...(clicks && { clicks }) })),
  );
}
