// `npm run bench`: every benchmark, printed as ratios against a baseline measured in the same run.
// `npm run bench -- create|list|clicks` runs one part; BENCH_QUICK=1 shortens the rounds.
import { runClickBench } from './clicks.ts';
import { runCreateBench } from './create.ts';
import { report } from './harness.ts';
import { runListLinksBench } from './list-links.ts';
import { client } from './servers.ts';

const quick = process.env.BENCH_QUICK === '1';
const only = process.argv[2];

if (!only || only === 'create') {
  console.log('# Creating links (issue 2)');
  for (const result of await runCreateBench(quick)) console.log(report(result));
}
if (!only || only === 'list') {
  console.log('# Listing links (issue 4)');
  for (const result of await runListLinksBench(quick)) console.log(report(result));
}
if (!only || only === 'clicks') {
  console.log('# Clicks (issue 3)');
  for (const line of await runClickBench()) console.log(line);
}
await client.close();
