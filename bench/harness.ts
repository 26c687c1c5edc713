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

export interface Comparison {
  name: string;
  concurrency: number;
  subject: Measurement;
  baseline: Measurement;
  ratio: number;
  cpuRatio: number;
  target: number;
}

/** Alternates subject and baseline rounds and sums them. */
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
  },
): Promise<Comparison> {
  await measure(subject, options.concurrency, options.warmupMs);
  await measure(baseline, options.concurrency, options.warmupMs);
  const total = (ms: Measurement[]) => {
    const requests = ms.reduce((s, m) => s + m.requests, 0);
    const seconds = ms.reduce((s, m) => s + m.seconds, 0);
    const cpu = ms.reduce((s, m) => s + m.cpuMicrosPerRequest * m.requests, 0);
    return {
      requests,
      seconds,
      perSecond: requests / seconds,
      cpuMicrosPerRequest: cpu / requests,
    };
  };
  const a: Measurement[] = [];
  const b: Measurement[] = [];
  for (let r = 0; r < options.rounds; r++) {
    // Alternate which goes first so neither always benefits from a warmer machine.
    if (r % 2 === 0) {
      a.push(await measure(subject, options.concurrency, options.roundMs));
      b.push(await measure(baseline, options.concurrency, options.roundMs));
    } else {
      b.push(await measure(baseline, options.concurrency, options.roundMs));
      a.push(await measure(subject, options.concurrency, options.roundMs));
    }
  }
  const s = total(a);
  const base = total(b);
  return {
    name,
    concurrency: options.concurrency,
    subject: s,
    baseline: base,
    ratio: s.perSecond / base.perSecond,
    cpuRatio: s.cpuMicrosPerRequest / base.cpuMicrosPerRequest,
    target: options.target,
  };
}

export function report(c: Comparison): string {
  const verdict = c.ratio >= c.target ? 'meets' : 'BELOW';
  return [
    `${c.name} (concurrency ${c.concurrency})`,
    `  linkbroker ${c.subject.perSecond.toFixed(0)} req/s, ${c.subject.cpuMicrosPerRequest.toFixed(0)} µs CPU/req`,
    `  baseline   ${c.baseline.perSecond.toFixed(0)} req/s, ${c.baseline.cpuMicrosPerRequest.toFixed(0)} µs CPU/req`,
    `  ratio ${c.ratio.toFixed(3)}× throughput, ${c.cpuRatio.toFixed(3)}× CPU/req — target ≥ ${c.target}×: ${verdict}`,
  ].join('\n');
}
