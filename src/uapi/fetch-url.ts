// UAPI Integration::fetch_url: runs the broker once, synchronously (waits included), and says
// where to send the user now and what the stored fallback is.
import { z } from 'zod';
import { type LaunchDeps, LaunchStoreFailure, launchApp } from '../broker/autologin.ts';
import { NotFoundError, quote } from '../errors.ts';
import { appParam } from '../links/schema.ts';
import { about } from '../rules.ts';

export const fetchUrlParams = z.object({
  app: about(appParam, 'The integration link (its app) of the user to launch.'),
});
export type FetchUrlParams = z.output<typeof fetchUrlParams>;

/** What fetch_url answers in `data` (for the API reference; the function builds it typed). */
export const fetchUrlData = z.object({
  redirect_url: z.string().meta({
    description:
      'Where to send the user now: the partner’s one-time login URL, or the stored fallback url.',
  }),
  url: z
    .string()
    .nullable()
    .meta({ description: 'The link’s stored fallback url, if it has one.' }),
});
export type FetchUrlData = z.output<typeof fetchUrlData>;

export async function fetchUrl(
  broker: LaunchDeps,
  user: string,
  { app }: FetchUrlParams,
  signal?: AbortSignal,
): Promise<FetchUrlData> {
  const outcome = await launchApp(broker, { user, app, mode: 'wait', ...(signal && { signal }) });
  switch (outcome.kind) {
    case 'partner':
    case 'fallback':
      return { redirect_url: outcome.location, url: outcome.url };
    case 'error':
      switch (outcome.reason) {
        case 'no-link':
          throw new NotFoundError(
            `There is no integration link ${quote(app)} for the user ${quote(user)}.`,
          );
        case 'store-failed':
          throw new LaunchStoreFailure(app);
        // Ends that are not the partner's doing say so: the partner is not to blame for them.
        case 'link-removed':
          throw new NotFoundError(
            `The integration link ${quote(app)} of the user ${quote(user)} was removed or changed while it was being launched; call again to launch it as it is now.`,
          );
        case 'aborted':
          throw new NotFoundError(
            `The launch of ${quote(outcome.label)} was abandoned: the call ended before the partner answered.`,
          );
        case 'no-autologin-url':
          throw new NotFoundError(
            `${quote(outcome.label)} has neither an “autologin_token_url” nor a fallback “url” to send the user to.`,
          );
        default:
          throw new NotFoundError(
            `${quote(outcome.label)} is not available right now: its partner did not give a login URL and the link has no fallback “url”.`,
          );
      }
    case 'wait':
      // Only the yield mode answers "wait"; kept for exhaustiveness.
      throw new Error('fetch_url received a wait outcome in wait mode');
  }
}
