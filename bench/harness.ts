// A small load harness: runs `concurrency` request loops against a target for a fixed time and
// compares two targets side by side in the same process, alternating rounds to cancel drift.
import { cpuUsage } from 'node:process';

export interface Measurement {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Process CPU microseconds per request (server and client share the process). */
  cpuMicrosPerRequest: number;
}

export async function measure(
  run: (worker: number, i: number) => Promise<void>,
  concurrency: number,
  durationMs: number,
): Promise<Measurement> {
  let requests = 0;
  const cpu0 = cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await run(worker, i);
        requests++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuUsage(cpu0);
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / requests,
  };
}

export interface Timing {
  roundMs: number;
  rounds: number;
  warmupMs: number;
}

/**
 * Round timing for the API benchmarks: 10 rounds of 1 s, or 4 short ones with BENCH_QUICK=1;
 * BENCH_ROUNDS=N asks for N rounds (more rounds narrow the median when the machine is noisy)
 * and BENCH_ROUND_MS=M for rounds of M ms (shorter rounds sit closer in time, so a pair shares
 * more of the machine's state: 40 rounds of 300 ms pair better than 10 of 1 s).
 */
export function benchTiming(quick: boolean, env: NodeJS.ProcessEnv = process.env): Timing {
  const timing = quick
    ? { roundMs: 400, rounds: 4, warmupMs: 200 }
    : { roundMs: 1000, rounds: 10, warmupMs: 1000 };
  const positive = (value: string | undefined) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    ...timing,
    rounds: positive(env.BENCH_ROUNDS) ?? timing.rounds,
    roundMs: positive(env.BENCH_ROUND_MS) ?? timing.roundMs,
  };
}

export interface Comparison {
  name: string;
  /** What the subject is, in the report: linkbroker, or a floor route. */
  subjectLabel: string;
  concurrency: number;
  subject: Measurement;
  baseline: Measurement;
  /** Median over the rounds of (subject ÷ baseline) throughput: one noisy round cannot sway it. */
  ratio: number;
  /** Lowest and highest round ratio, to show the spread. */
  ratioRange: [number, number];
  /** Median over the rounds of (subject ÷ baseline) CPU per request. */
  cpuRatio: number;
  target: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function total(ms: Measurement[]): Measurement {
  const requests = ms.reduce((s, m) => s + m.requests, 0);
  const seconds = ms.reduce((s, m) => s + m.seconds, 0);
  const cpu = ms.reduce((s, m) => s + m.cpuMicrosPerRequest * m.requests, 0);
  return { requests, seconds, perSecond: requests / seconds, cpuMicrosPerRequest: cpu / requests };
}

/**
 * Runs subject and baseline in adjacent rounds (alternating which goes first, so neither always
 * gets the warmer machine) and compares each pair: a pair shares the machine's state of the
 * moment, so the median of the pair ratios stands up to noise that a ratio of sums does not.
 */
export async function compare(
  name: string,
  subject: (worker: number, i: number) => Promise<void>,
  baseline: (worker: number, i: number) => Promise<void>,
  options: {
    concurrency: number;
    roundMs: number;
    rounds: number;
    warmupMs: number;
    target: number;
    subjectLabel?: string;
  },
): Promise<Comparison> {
  await measure(subject, options.concurrency, options.warmupMs);
  await measure(baseline, options.concurrency, options.warmupMs);
  const a: Measurement[] = [];
  const b: Measurement[] = [];
  for (let r = 0; r < options.rounds; r++) {
    if (r % 2 === 0) {
      a.push(await measure(subject, options.concurrency, options.roundMs));
      b.push(await measure(baseline, options.concurrency, options.roundMs));
    } else {
      b.push(await measure(baseline, options.concurrency, options.roundMs));
      a.push(await measure(subject, options.concurrency, options.roundMs));
    }
  }
  const ratios = a.map((m, i) => m.perSecond / (b[i] as Measurement).perSecond);
  const cpuRatios = a.map(
    (m, i) => m.cpuMicrosPerRequest / (b[i] as Measurement).cpuMicrosPerRequest,
  );
  return {
    name,
    subjectLabel: options.subjectLabel ?? 'linkbroker',
    concurrency: options.concurrency,
    subject: total(a),
    baseline: total(b),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    cpuRatio: median(cpuRatios),
    target: options.target,
  };
}

export function report(c: Comparison): string {
  const verdict = c.ratio >= c.target ? 'meets' : 'BELOW';
  const [low, high] = c.ratioRange;
  return [
    `${c.name} (concurrency ${c.concurrency})`,
    `  ${c.subjectLabel.padEnd(10)} ${c.subject.perSecond.toFixed(0)} req/s, ${c.subject.cpuMicrosPerRequest.toFixed(0)} µs CPU/req`,
    `  baseline   ${c.baseline.perSecond.toFixed(0)} req/s, ${c.baseline.cpuMicrosPerRequest.toFixed(0)} µs CPU/req`,
    `  ratio ${c.ratio.toFixed(3)}× throughput (rounds ${low.toFixed(2)}–${high.toFixed(2)}), ${c.cpuRatio.toFixed(3)}× CPU/req — target ≥ ${c.target}×: ${verdict}`,
  ].join('\n');
}
