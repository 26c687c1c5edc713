// Builds everything the app and the CLI need from the configuration: the store (initialised,
// interrupted writes recovered), the root credentials, the throttle and the sessions.
import { resolve } from 'node:path';
import { createFileSessionRecords } from './accounts/session-files.ts';
import { createSessions } from './accounts/sessions.ts';
import type { AppDeps } from './app.ts';
import { type LaunchDeps, sleep } from './broker/autologin.ts';
import { createPartnerClient, type PartnerClientOptions } from './broker/partner-client.ts';
import type { Config } from './config.ts';
import type { ConnectionLimits } from './connection-limits.ts';
import type { Logger } from './log.ts';
import { createFileStore } from './store/file-store.ts';
import { prepareSecrets } from './store/secrets.ts';
import type { Store } from './store/store.ts';
import { createThrottle } from './whm/throttle.ts';

export interface Runtime {
  deps: AppDeps;
  /** Secrets generated on this start, to be printed once. */
  generated: { rootPassword?: string; rootToken?: string };
  continuationKey: Buffer;
  /** Tells the runtime where the server listens, for URLs when no public URL is configured. */
  setListenUrl(url: string): void;
  /** Stores the digests of the generated secrets; called once the server listens. */
  storeGeneratedSecrets(): Promise<void>;
}

/** `http://HOST:PORT`, with an IPv6 host in brackets. */
export function defaultPublicUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Test and benchmark hooks into the broker's wiring; production passes none. */
export interface BrokerOverrides {
  /** Limits of the partner client (attempt deadline, connection cap…). */
  partner?: PartnerClientOptions;
  /** Replaces the real sleep between attempts, e.g. to record the waits instead. */
  sleep?: LaunchDeps['sleep'];
  /** The clock of sessions and wait-page continuations (milliseconds), e.g. a fake one. */
  now?: () => number;
  /** Shorter connection limits (connection-limits.ts), to test them. */
  connections?: Partial<ConnectionLimits>;
}

/** The broker's dependencies: one shared partner client (one keep-alive pool), real time. */
export function createBroker(
  store: Store,
  logger: Logger,
  overrides: BrokerOverrides = {},
): LaunchDeps {
  const partner = createPartnerClient(overrides.partner);
  return { store, partner, logger, sleep: overrides.sleep ?? sleep, now: Date.now };
}

export async function createRuntime(
  config: Config,
  logger: Logger,
  overrides: BrokerOverrides = {},
): Promise<Runtime> {
  const dataDir = resolve(config.dataDir);
  const store = createFileStore({ dataDir, logger });
  await store.init();
  const given: { rootPassword?: string; rootToken?: string } = {};
  if (config.rootPassword !== undefined) given.rootPassword = config.rootPassword;
  if (config.rootToken !== undefined) given.rootToken = config.rootToken;
  const secrets = await prepareSecrets(dataDir, given);
  let listenUrl = defaultPublicUrl(config.host, config.port);
  return {
    deps: {
      store,
      logger,
      now: overrides.now ?? Date.now,
      broker: createBroker(store, logger, overrides),
      root: { passwordHash: secrets.rootPasswordHash, tokenHash: secrets.rootTokenHash },
      throttle: createThrottle({
        maxFailures: config.authMaxFailures,
        windowMs: config.authWindowMs,
      }),
      trustedProxies: config.trustedProxies,
      maxBodyBytes: config.maxBodyBytes,
      sessions: createSessions(await createFileSessionRecords(dataDir, logger), overrides.now),
      publicUrl: () => config.publicUrl ?? listenUrl,
      continuationKey: secrets.continuationKey,
    },
    generated: secrets.generated,
    continuationKey: secrets.continuationKey,
    setListenUrl(url) {
      listenUrl = url;
    },
    storeGeneratedSecrets: secrets.storeGenerated,
  };
}
