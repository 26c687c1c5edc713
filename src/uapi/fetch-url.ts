// UAPI Integration::fetch_url: runs the broker once, synchronously (waits included), and says
// where to send the user now and what the stored fallback is.
import { type LaunchDeps, launchApp } from '../broker/autologin.ts';
import { NotFoundError, quote, ValidationError } from '../errors.ts';
import { appParam } from '../links/schema.ts';
import { q } from '../rules.ts';

export interface FetchUrlData {
  redirect_url: string;
  url: string | null;
}

export async function fetchUrl(
  broker: LaunchDeps,
  user: string,
  app: string | undefined,
): Promise<FetchUrlData> {
  const parsed = appParam.safeParse(app);
  if (!parsed.success)
    throw new ValidationError(parsed.error.issues[0]?.message ?? `${q('app')} is not valid.`);
  const outcome = await launchApp(broker, { user, app: parsed.data, mode: 'wait' });
  switch (outcome.kind) {
    case 'partner':
    case 'fallback':
      return { redirect_url: outcome.location, url: outcome.url };
    case 'error':
      if (outcome.reason === 'no-link') {
        throw new NotFoundError(
          `There is no integration link ${quote(parsed.data)} for the user ${quote(user)}.`,
        );
      }
      throw new NotFoundError(
        `${quote(outcome.label)} is not available right now: its partner did not give a login URL and the link has no fallback “url”.`,
      );
    case 'wait':
      // Only the yield mode answers "wait"; kept for exhaustiveness.
      throw new Error('fetch_url received a wait outcome in wait mode');
  }
}
