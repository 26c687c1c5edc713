// Builds everything the app and the CLI need from the configuration: the store (initialised,
// interrupted writes recovered), the root credentials and the throttle.
import { resolve } from 'node:path';
import type { AppDeps } from './app.ts';
import { type LaunchDeps, sleep } from './broker/autologin.ts';
import { createPartnerClient, type PartnerClientOptions } from './broker/partner-client.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { createFileStore } from './store/file-store.ts';
import { loadOrCreateSecrets } from './store/secrets.ts';
import type { Store } from './store/store.ts';
import { createThrottle } from './whm/throttle.ts';

export interface Runtime {
  deps: AppDeps;
  /** Secrets generated on this start, to be printed once. */
  generated: { rootPassword?: string; rootToken?: string };
  continuationKey: Buffer;
}

/** Test and benchmark hooks into the broker's wiring; production passes none. */
export interface BrokerOverrides {
  /** Limits of the partner client (attempt deadline, connection cap…). */
  partner?: PartnerClientOptions;
  /** Replaces the real sleep between attempts, e.g. to record the waits instead. */
  sleep?: LaunchDeps['sleep'];
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
  const secrets = await loadOrCreateSecrets(dataDir, given);
  return {
    deps: {
      store,
      logger,
      now: Date.now,
      broker: createBroker(store, logger, overrides),
      root: { passwordHash: secrets.rootPasswordHash, tokenHash: secrets.rootTokenHash },
      throttle: createThrottle({
        maxFailures: config.authMaxFailures,
        windowMs: config.authWindowMs,
      }),
      trustedProxies: config.trustedProxies,
      maxBodyBytes: config.maxBodyBytes,
    },
    generated: secrets.generated,
    continuationKey: secrets.continuationKey,
  };
}
