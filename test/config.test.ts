// Configuration: defaults, and one clear line naming the variable for each bad value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 2087,
      host: '127.0.0.1',
      dataDir: './data',
      rootPassword: undefined,
      rootToken: undefined,
      publicUrl: undefined,
      authMaxFailures: 20,
      authWindowMs: 300_000,
      trustedProxies: [],
      maxBodyBytes: 2 * 1024 * 1024,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      LINKBROKER_HOST: '0.0.0.0',
      LINKBROKER_DATA_DIR: '/var/lib/linkbroker',
      LINKBROKER_ROOT_PASSWORD: 'a-long-password',
      LINKBROKER_ROOT_TOKEN: 'TOKEN0123456789ABCDEF',
      LINKBROKER_PUBLIC_URL: 'https://panel.example.com:2087/',
      LINKBROKER_AUTH_MAX_FAILURES: '5',
      LINKBROKER_AUTH_WINDOW_SECONDS: '60',
      LINKBROKER_TRUSTED_PROXIES: '10.0.0.1, ::1',
      LINKBROKER_MAX_BODY_BYTES: '4096',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://panel.example.com:2087',
      authWindowMs: 60_000,
      trustedProxies: ['10.0.0.1', '::1'],
      maxBodyBytes: 4096,
    });
  });

  it.each<[string, string, string]>([
    ['PORT', 'abc', 'Invalid configuration: PORT must be a whole number from 0 to 65535.'],
    ['PORT', '70000', 'Invalid configuration: PORT must be a whole number from 0 to 65535.'],
    [
      'LINKBROKER_HOST',
      'bad host!',
      'Invalid configuration: LINKBROKER_HOST must be an IP address or a host name.',
    ],
    [
      'LINKBROKER_ROOT_PASSWORD',
      'short',
      'Invalid configuration: LINKBROKER_ROOT_PASSWORD must be at least 8 characters long.',
    ],
    [
      'LINKBROKER_ROOT_TOKEN',
      'has space in it, long',
      'Invalid configuration: LINKBROKER_ROOT_TOKEN must not contain spaces or control characters.',
    ],
    [
      'LINKBROKER_ROOT_TOKEN',
      'tökentökentöken1',
      'Invalid configuration: LINKBROKER_ROOT_TOKEN must be printable ASCII (letters, digits and punctuation).',
    ],
    ...[
      'ftp://x',
      'https://panel.example.com/?x=1',
      'https://panel.example.com/#top',
      'https://u:p@x.example/',
    ].map(
      (value) =>
        [
          'LINKBROKER_PUBLIC_URL',
          value,
          'Invalid configuration: LINKBROKER_PUBLIC_URL must be an absolute http: or https: URL without credentials, query or fragment.',
        ] as [string, string, string],
    ),
    [
      'LINKBROKER_AUTH_MAX_FAILURES',
      '0',
      'Invalid configuration: LINKBROKER_AUTH_MAX_FAILURES must be a whole number from 1 to 1000000.',
    ],
    [
      'LINKBROKER_TRUSTED_PROXIES',
      'proxy.local',
      'Invalid configuration: LINKBROKER_TRUSTED_PROXIES must be a comma-separated list of IP addresses.',
    ],
    [
      'LINKBROKER_MAX_BODY_BYTES',
      '10',
      'Invalid configuration: LINKBROKER_MAX_BODY_BYTES must be a whole number from 1024 to 67108864.',
    ],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reads LINKBROKER_PUBLIC_URL as the URL parser does, without a trailing slash', () => {
    for (const [given, base] of [
      ['http:panel.example.com', 'http://panel.example.com'],
      ['HTTPS://Panel.Example.COM:443/', 'https://panel.example.com'],
      ['https://example.com/whm//', 'https://example.com/whm'],
    ]) {
      expect(loadConfig({ LINKBROKER_PUBLIC_URL: given }).publicUrl).toBe(base);
    }
  });

  it('counts an empty variable as unset (the shell idiom VAR= cmd)', () => {
    expect(loadConfig({ LINKBROKER_DATA_DIR: '', PORT: '' })).toMatchObject({
      dataDir: './data',
      port: 2087,
    });
  });

  it('never echoes a secret value in its message', () => {
    const load = () => loadConfig({ LINKBROKER_ROOT_TOKEN: 'secret\u0001value-long-enough' });
    expect(load).toThrow(/LINKBROKER_ROOT_TOKEN/);
    expect(load).not.toThrow(/secret/);
  });
});
