import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle.ts';

describe('createThrottle', () => {
  it('blocks after more than maxFailures within the window, until the window has passed', () => {
    let t = 1_000_000;
    const throttle = createThrottle({ maxFailures: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) throttle.recordFailure('a');
    expect(throttle.blockedFor('a')).toBe(0);
    throttle.recordFailure('a');
    expect(throttle.blockedFor('a')).toBe(60_000);
    expect(throttle.blockedFor('b')).toBe(0);
    t += 59_999;
    expect(throttle.blockedFor('a')).toBe(1);
    t += 1;
    expect(throttle.blockedFor('a')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let t = 0;
    const throttle = createThrottle({ maxFailures: 2, windowMs: 1000, now: () => t });
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    t = 1500;
    throttle.recordFailure('a');
    expect(throttle.blockedFor('a')).toBe(0);
  });

  it('keeps memory bounded when many addresses fail', () => {
    const throttle = createThrottle({
      maxFailures: 2,
      windowMs: 1000,
      maxAddresses: 100,
      now: () => 0,
    });
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    // The most recent address is still tracked.
    throttle.recordFailure('10.0.39.15');
    throttle.recordFailure('10.0.39.15');
    expect(throttle.blockedFor('10.0.39.15')).toBe(1000);
  });
});
