// The bench's round timing and the environment variables that change it (README "Benchmarks").
import { describe, expect, it } from 'vitest';
import { benchTiming } from '../bench/harness.ts';

describe('benchTiming', () => {
  it('runs 10 rounds of 1 s, or 4 of 400 ms when quick', () => {
    expect(benchTiming(false, {})).toEqual({ roundMs: 1000, rounds: 10, warmupMs: 1000 });
    expect(benchTiming(true, {})).toEqual({ roundMs: 400, rounds: 4, warmupMs: 200 });
  });

  it('takes the number and the length of rounds from BENCH_ROUNDS and BENCH_ROUND_MS', () => {
    const env = { BENCH_ROUNDS: '40', BENCH_ROUND_MS: '300' };
    expect(benchTiming(false, env)).toEqual({ roundMs: 300, rounds: 40, warmupMs: 1000 });
    expect(benchTiming(true, env)).toEqual({ roundMs: 300, rounds: 40, warmupMs: 200 });
  });

  it('ignores values that are not whole numbers above 0', () => {
    for (const bad of ['0', '-5', '2.5', 'ten', '']) {
      const timing = benchTiming(false, { BENCH_ROUNDS: bad, BENCH_ROUND_MS: bad });
      expect(timing).toEqual({ roundMs: 1000, rounds: 10, warmupMs: 1000 });
    }
  });
});
