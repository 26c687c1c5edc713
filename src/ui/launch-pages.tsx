// The click path's pages: the wait page (counts down, then continues by itself), the confirm
// page for a launch another site started, and the readable failures.

import type { Child } from 'hono/jsx';
import { MAX_ATTEMPTS } from '../broker/autologin.ts';
import { launchPath } from '../links/users-links.ts';
import { HomeLink, Layout, MessagePage } from './layout.tsx';
import { useLink } from './render.tsx';

// A constant, under the CSP nonce. It counts down and then replaces the page with the
// continuation, so Back does not land on a spent wait page. Without JavaScript the <noscript>
// refresh does the same; never both, so the partner is not asked twice.
const COUNTDOWN_SCRIPT = `(function () {
  var counter = document.getElementById('countdown');
  var link = document.getElementById('continue');
  var bar = document.getElementById('progress');
  if (!counter || !link) return;
  var total = Number(counter.getAttribute('data-ms')) || 0;
  var end = Date.now() + total;
  function tick() {
    var left = end - Date.now();
    if (left <= 0) { counter.textContent = '0'; location.replace(link.href); return; }
    counter.textContent = String(Math.ceil(left / 1000));
    if (bar) bar.value = Math.min(total, total - left);
    setTimeout(tick, Math.min(left, 250));
  }
  tick();
})();`;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A link back into the click path, shown as a button: a same-origin navigation. Not a form: the
 * pages' CSP `form-action 'self'` also governs where a submitted form's redirects may go, and
 * the click path always redirects to another site, so Chromium would stop the user there after
 * the partner had been asked (and had spent a one-time code).
 */
function LaunchButton(props: { app: string; children: Child; secondary?: boolean }) {
  return (
    <a
      class={props.secondary ? 'button secondary' : 'button'}
      href={useLink(launchPath(props.app))}
    >
      {props.children}
    </a>
  );
}

export function WaitPage(props: {
  nonce: string;
  label: string;
  nextAttempt: number;
  waitMs: number;
  continueUrl: string;
  /** The partner's informational `attempt` (SPEC §5.3: shown to the user), when it sent one. */
  partnerAttempt?: string | undefined;
}) {
  const s = seconds(props.waitMs);
  return (
    <Layout
      title={`Connecting to ${props.label}…`}
      nonce={props.nonce}
      head={
        <noscript>
          <meta http-equiv="refresh" content={`${s};url=${props.continueUrl}`} />
        </noscript>
      }
    >
      <main id="main" class="message wait">
        <div class="panel">
          <div class="spinner" aria-hidden="true" />
          <h1>Connecting you to {props.label}…</h1>
          <p>
            Your sign-in is being prepared. Attempt {props.nextAttempt} of {MAX_ATTEMPTS},
            continuing in{' '}
            <span class="nowrap">
              <span id="countdown" class="countdown" data-ms={String(props.waitMs)}>
                {s}
              </span>{' '}
              s
            </span>
            .
          </p>
          {props.partnerAttempt === undefined ? null : (
            <p class="partner-attempt">
              {props.label} reports attempt {props.partnerAttempt}.
            </p>
          )}
          <progress id="progress" max={String(props.waitMs)} value="0" aria-label="Waiting" />
          <p>
            This page continues by itself. If it does not,{' '}
            <a id="continue" href={props.continueUrl}>
              continue now
            </a>
            .
          </p>
        </div>
      </main>
      <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: COUNTDOWN_SCRIPT }} />
    </Layout>
  );
}

export function ConfirmPage(props: { nonce: string; app: string; label: string }) {
  return (
    <MessagePage
      nonce={props.nonce}
      title={`Open ${props.label}?`}
      heading={`Open ${props.label}?`}
      actions={
        <>
          <LaunchButton app={props.app}>Continue to {props.label}</LaunchButton>
          <HomeLink secondary />
        </>
      }
    >
      <p>
        This sign-in to {props.label} did not start from your control panel: another website, a
        bookmark or a typed address sent you here. Continue only if you meant to open it.
      </p>
    </MessagePage>
  );
}

export function LoginRequiredPage(props: { nonce: string }) {
  return (
    <MessagePage nonce={props.nonce} title="Login required" heading="Please log in">
      <p>
        You are not logged in, or your session ended after 15 minutes without activity. Log in again
        from your hosting provider’s client area to open your control panel.
      </p>
    </MessagePage>
  );
}

export function PartnerUnavailablePage(props: { nonce: string; app: string; label: string }) {
  return (
    <MessagePage
      nonce={props.nonce}
      tone="error"
      title={`${props.label} is not available`}
      heading={`${props.label} is not available right now`}
      actions={
        <>
          <LaunchButton app={props.app}>Try again</LaunchButton>
          <HomeLink secondary />
        </>
      }
    >
      <p>
        We could not sign you in to {props.label}. This is usually temporary: try again in a minute.
        If it keeps happening, contact your hosting provider.
      </p>
    </MessagePage>
  );
}

/** A refusal or failure on the click path, with a way back (and to start over when useful). */
export function LaunchProblemPage(props: {
  nonce: string;
  heading: string;
  children: Child;
  /** Offer "Start again" for this app. */
  app?: string;
}) {
  return (
    <MessagePage
      nonce={props.nonce}
      tone="error"
      title={props.heading}
      heading={props.heading}
      actions={
        <>
          {props.app ? <LaunchButton app={props.app}>Start again</LaunchButton> : null}
          <HomeLink secondary />
        </>
      }
    >
      {props.children}
    </MessagePage>
  );
}
