// `npm run bench`: every benchmark, printed as ratios against a baseline measured in the same run.
// BENCH_QUICK=1 shortens every round (for a smoke run).
import { runCreateBench } from './create.ts';
import { report } from './harness.ts';
import { client } from './servers.ts';

const quick = process.env.BENCH_QUICK === '1';
const only = process.argv[2];

if (!only || only === 'create') {
  console.log('# Creating links (issue 2)');
  for (const result of await runCreateBench(quick)) console.log(report(result));
}
await client.close();
