import { describe, expect, it } from 'vitest';
import { createThrottle, throttleKey } from './throttle.ts';

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

  it('does not let a flood of new addresses buy a blocked address a fresh start', () => {
    const throttle = createThrottle({
      maxFailures: 2,
      windowMs: 1000,
      maxAddresses: 100,
      now: () => 0,
    });
    for (let i = 0; i < 3; i++) throttle.recordFailure('192.0.2.66');
    expect(throttle.blockedFor('192.0.2.66')).toBe(1000);
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`10.1.${i >> 8}.${i & 255}`);
    expect(throttle.blockedFor('192.0.2.66')).toBe(1000);
  });

  it('counts an IPv6 client per /64, the network one customer is given', () => {
    const throttle = createThrottle({ maxFailures: 2, windowMs: 1000, now: () => 0 });
    throttle.recordFailure('2001:db8:1:2::a');
    throttle.recordFailure('2001:db8:1:2:ffff:ffff:ffff:ffff');
    throttle.recordFailure('2001:0db8:0001:0002:0:0:0:b');
    expect(throttle.blockedFor('2001:db8:1:2:1234::99')).toBe(1000);
    expect(throttle.blockedFor('2001:db8:1:3::a')).toBe(0);
    expect(throttle.blockedFor('192.0.2.1')).toBe(0);
  });
});

describe('throttleKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0:0:0:1', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['1:2:3:4:5:6:192.0.2.1', '1:2:3:4::/64'],
    ['unknown', 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(throttleKey(address)).toBe(key);
  });
});
