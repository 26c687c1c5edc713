// Configuration: the environment parsed once with zod. The only module that reads process.env.
import { isIP } from 'node:net';
import { z } from 'zod';
import { normaliseAddress } from './client-address.ts';

const intIn = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}.`);

const secret = (name: string, min: number) =>
  z
    .string()
    .min(min, `${name} must be at least ${min} characters long.`)
    .max(1024, `${name} may be at most 1024 characters long.`)
    .refine(
      (v) => !/[\s\p{Cc}]/u.test(v),
      `${name} must not contain spaces or control characters.`,
    );

const envSchema = z.object({
  PORT: intIn('PORT', 0, 65535).default(2087),
  LINKBROKER_HOST: z
    .string()
    .refine(
      (v) => isIP(v) !== 0 || /^[A-Za-z0-9.-]{1,253}$/.test(v),
      'LINKBROKER_HOST must be an IP address or a host name.',
    )
    .default('127.0.0.1'),
  LINKBROKER_DATA_DIR: z.string().default('./data'),
  LINKBROKER_ROOT_PASSWORD: secret('LINKBROKER_ROOT_PASSWORD', 8).optional(),
  // Sent in a header, which HTTP carries as bytes Node reads as Latin-1: a non-ASCII token sent
  // as UTF-8 (what curl does) would never match, so printable ASCII only.
  LINKBROKER_ROOT_TOKEN: secret('LINKBROKER_ROOT_TOKEN', 16)
    .refine(
      (v) => /^[\x21-\x7e]+$/.test(v),
      'LINKBROKER_ROOT_TOKEN must be printable ASCII (letters, digits and punctuation).',
    )
    .optional(),
  LINKBROKER_PUBLIC_URL: z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        const base = (u.protocol === 'http:' || u.protocol === 'https:') && !u.username;
        // URLs are built by appending paths to it: a query or fragment would swallow them.
        return base && !u.password && !v.includes('?') && !v.includes('#');
      } catch {
        return false;
      }
    }, 'LINKBROKER_PUBLIC_URL must be an absolute http: or https: URL without credentials, query or fragment.')
    // As the URL parser reads it (`http:host` → `http://host`), without a trailing slash.
    .transform((v) => {
      const u = new URL(v);
      return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
    })
    .optional(),
  LINKBROKER_AUTH_MAX_FAILURES: intIn('LINKBROKER_AUTH_MAX_FAILURES', 1, 1_000_000).default(20),
  LINKBROKER_AUTH_WINDOW_SECONDS: intIn('LINKBROKER_AUTH_WINDOW_SECONDS', 1, 86_400).default(300),
  LINKBROKER_TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => normaliseAddress(s.trim()))
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((ip) => isIP(ip) !== 0),
      'LINKBROKER_TRUSTED_PROXIES must be a comma-separated list of IP addresses.',
    )
    .default([]),
  LINKBROKER_MAX_BODY_BYTES: intIn('LINKBROKER_MAX_BODY_BYTES', 1024, 64 * 1024 * 1024).default(
    2 * 1024 * 1024,
  ),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  rootPassword: string | undefined;
  rootToken: string | undefined;
  /** Base of printed and returned URLs, without a trailing slash; undefined = http://HOST:PORT. */
  publicUrl: string | undefined;
  authMaxFailures: number;
  authWindowMs: number;
  trustedProxies: string[];
  maxBodyBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset, as in most shells' `VAR= cmd` idiom.
  const given = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Every rule above carries its own sentence naming the variable.
    throw new ConfigError(
      `Invalid configuration: ${issue?.message ?? 'the environment is not valid.'}`,
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.LINKBROKER_HOST,
    dataDir: e.LINKBROKER_DATA_DIR,
    rootPassword: e.LINKBROKER_ROOT_PASSWORD,
    rootToken: e.LINKBROKER_ROOT_TOKEN,
    publicUrl: e.LINKBROKER_PUBLIC_URL,
    authMaxFailures: e.LINKBROKER_AUTH_MAX_FAILURES,
    authWindowMs: e.LINKBROKER_AUTH_WINDOW_SECONDS * 1000,
    trustedProxies: e.LINKBROKER_TRUSTED_PROXIES,
    maxBodyBytes: e.LINKBROKER_MAX_BODY_BYTES,
  };
}
