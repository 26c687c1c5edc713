// The frame of every end-user page: document head, the one stylesheet (inline, under the CSP
// nonce) and the header bar; plus MessagePage, the readable page for every refusal and failure.

import type { Child } from 'hono/jsx';
import { useLink } from './render.tsx';

export const PRODUCT = 'Control Panel';

// A constant, so it goes in unescaped (JSX would turn ">" and quotes into entities).
const CSS = `
:root {
  --bg: #f2f4f7; --panel: #fff; --ink: #1d2939; --muted: #526074; --line: #dfe4ea;
  --head: #17283a; --head-ink: #fff; --accent: #0a66c2; --accent-soft: #e8f1fb;
  --danger: #b42318; --danger-soft: #fef3f2; --focus: #0a66c2; --focus-dark: #f5b400;
  --radius: 10px;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 6px; }
/* The ring must stand out (3:1) from what is around it: yellow on the dark bar, white on blue. */
.brand:focus-visible, .usermenu > summary:focus-visible { outline-color: var(--focus-dark); }
.upsell a:focus-visible { outline-color: #fff; }
.skip { position: absolute; left: -9999px; top: .5rem; }
.skip:focus { left: .75rem; z-index: 10; background: #fff; color: var(--ink); padding: .5rem .9rem;
  border-radius: 6px; box-shadow: 0 2px 10px rgba(0,0,0,.2); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }

.topbar { background: var(--head); color: var(--head-ink); }
.topbar-inner { max-width: 76rem; margin: 0 auto; padding: .6rem 1rem; display: flex;
  min-height: 3.6rem;
  align-items: center; justify-content: space-between; gap: 1rem; }
.brand { display: flex; align-items: center; gap: .6rem; color: var(--head-ink);
  text-decoration: none; font-weight: 650; font-size: 1.05rem; letter-spacing: .01em; }
.brand-mark { width: 28px; height: 28px; border-radius: 7px; flex: none;
  background: linear-gradient(135deg, #3b9cff, #0a66c2); display: grid; place-items: center;
  font-size: .85rem; font-weight: 800; color: #fff; }

.usermenu { position: relative; }
.usermenu > summary { list-style: none; cursor: pointer; display: flex; align-items: center;
  gap: .5rem; padding: .35rem .7rem; border-radius: 999px; border: 1px solid rgba(255,255,255,.28);
  color: var(--head-ink); user-select: none; }
.usermenu > summary::-webkit-details-marker { display: none; }
.usermenu > summary:hover { background: rgba(255,255,255,.08); }
.avatar { width: 26px; height: 26px; border-radius: 50%; background: #3b9cff; color: #fff;
  display: grid; place-items: center; font-weight: 700; font-size: .8rem; text-transform: uppercase; }
.caret { font-size: .7rem; opacity: .8; }
.usermenu-panel { position: absolute; right: 0; top: calc(100% + .5rem); z-index: 5;
  width: min(18rem, calc(100vw - 2rem)); background: var(--panel); color: var(--ink);
  border-radius: var(--radius); box-shadow: 0 12px 32px rgba(16,24,40,.22); padding: .4rem; }
.usermenu-panel ul { list-style: none; margin: 0; padding: 0; }
.usermenu-panel a, .usermenu-panel button { display: flex; align-items: center; gap: .6rem;
  width: 100%; padding: .5rem .6rem; border-radius: 7px; color: var(--ink); text-decoration: none;
  font: inherit; background: none; border: 0; cursor: pointer; text-align: left;
  overflow-wrap: anywhere; min-width: 0; }
.usermenu-panel a:hover, .usermenu-panel button:hover { background: var(--accent-soft); }
.usermenu-panel img { width: 24px; height: 24px; flex: none; object-fit: contain; }
.usermenu-panel hr { border: 0; border-top: 1px solid var(--line); margin: .35rem 0; }
.menu-heading { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); padding: .35rem .6rem .15rem; margin: 0; }

.layout { max-width: 76rem; margin: 1.5rem auto; padding: 0 1rem; display: grid;
  grid-template-columns: minmax(0, 1fr) 19rem; gap: 1.25rem; align-items: start; }
@media (max-width: 52rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
.page-title { margin: 0 0 1rem; font-size: 1.45rem; font-weight: 650; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius);
  margin: 0 0 1.25rem; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
.panel > h2 { margin: 0; padding: .7rem 1rem; font-size: .98rem; font-weight: 650;
  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.items { list-style: none; margin: 0; padding: .6rem; display: grid; gap: .35rem;
  grid-template-columns: repeat(auto-fill, minmax(11.5rem, 1fr)); }
.items a { display: flex; align-items: center; gap: .75rem; padding: .55rem .6rem;
  border-radius: 8px; color: var(--ink); text-decoration: none; min-height: 3.25rem; }
.items a:hover { background: var(--accent-soft); color: var(--accent); }
/* An icon that is not square keeps its shape inside the square. */
.items img { width: 40px; height: 40px; flex: none; object-fit: contain; }
.items span { overflow-wrap: anywhere; }

.info dl { margin: 0; padding: .75rem 1rem 1rem; display: grid; gap: .15rem; }
.info dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .05em;
  margin-top: .5rem; }
.info dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.upsell { background: linear-gradient(160deg, #0a66c2, #17283a); color: #fff; border: 0; }
.upsell > h2 { border-bottom-color: rgba(255,255,255,.2); }
.upsell p { margin: .75rem 1rem .25rem; color: #dbe8f7; }
.upsell ul { list-style: none; margin: 0; padding: .5rem 1rem 1rem; display: grid; gap: .5rem; }
.upsell a { display: flex; align-items: center; gap: .6rem; padding: .55rem .75rem;
  border-radius: 8px; background: #fff; color: var(--accent); font-weight: 650; text-decoration: none;
  overflow-wrap: anywhere; min-width: 0; }
.upsell a:hover { background: var(--accent-soft); }
.upsell img { width: 24px; height: 24px; flex: none; object-fit: contain; }

.empty { padding: 2.25rem 1.5rem; text-align: center; }
.empty h2 { margin: .75rem 0 .25rem; font-size: 1.15rem; }
.empty p { margin: 0 auto; max-width: 32rem; color: var(--muted); }
.empty img { width: 56px; height: 56px; opacity: .7; }
.note { padding: .9rem 1rem; margin: 0; color: var(--muted); }

.message { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
.message .panel { padding: 1.75rem 1.75rem 1.5rem; }
.message h1 { margin: 0 0 .5rem; font-size: 1.35rem; line-height: 1.3; overflow-wrap: anywhere; }
.message p { margin: .5rem 0; color: var(--muted); overflow-wrap: anywhere; }
.message.error .panel { border-top: 4px solid var(--danger); }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; margin-top: 1.25rem; align-items: center; }
.actions form { margin: 0; }
.button { display: inline-flex; align-items: center; justify-content: center; gap: .4rem;
  padding: .55rem 1.1rem; border-radius: 8px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer;
  text-decoration: none; }
.button:hover { background: #0856a3; }
.button.secondary { background: #fff; color: var(--accent); border-color: var(--line); }
.button.secondary:hover { background: var(--accent-soft); }

.spinner { width: 44px; height: 44px; border-radius: 50%; border: 4px solid var(--accent-soft);
  border-top-color: var(--accent); animation: spin 1s linear infinite; margin-bottom: 1rem; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
.wait progress { appearance: none; width: 100%; height: .5rem; margin-top: .75rem; border: 0;
  border-radius: 999px; overflow: hidden; background: var(--accent-soft); }
.wait progress::-webkit-progress-bar { background: var(--accent-soft); }
.wait progress::-webkit-progress-value { background: var(--accent); border-radius: 999px; }
.wait progress::-moz-progress-bar { background: var(--accent); border-radius: 999px; }
.nowrap { white-space: nowrap; }
.countdown { font-variant-numeric: tabular-nums; font-weight: 700; color: var(--ink); }
`;

export function Layout(props: {
  title: string;
  nonce: string;
  /** Extra head content (the wait page's no-script refresh). */
  head?: Child;
  /** The header's right side (the username menu); omitted on pages without a session. */
  userMenu?: Child;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · ${PRODUCT}`}</title>
        {props.head}
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <div class="topbar-inner">
            <a class="brand" href={useLink('/')}>
              <span class="brand-mark" aria-hidden="true">
                cp
              </span>
              {PRODUCT}
            </a>
            {props.userMenu}
          </div>
        </header>
        {props.children}
      </body>
    </html>
  );
}

/** The way back to the home page, the usual action of a message page. */
export const HomeLink = (props: { secondary?: boolean }) => (
  <a class={props.secondary ? 'button secondary' : 'button'} href={useLink('/')}>
    Back to your control panel
  </a>
);

/** A one-message page: what happened, in words, and what the user can do next. */
export function MessagePage(props: {
  nonce: string;
  title: string;
  heading: string;
  tone?: 'info' | 'error';
  children?: Child;
  actions?: Child;
}) {
  return (
    <Layout title={props.title} nonce={props.nonce}>
      <main id="main" class={props.tone === 'error' ? 'message error' : 'message'}>
        <div class="panel">
          <h1>{props.heading}</h1>
          {props.children}
          {props.actions ? <div class="actions">{props.actions}</div> : null}
        </div>
      </main>
    </Layout>
  );
}
