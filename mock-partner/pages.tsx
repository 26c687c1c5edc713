// The mock partner's HTML (hono/jsx, escaped by default): the index for partner developers,
// the signed-in landing page and the "link used or expired" page. No token is ever shown.
import type { Child } from 'hono/jsx';
import { SCENARIOS } from './scenarios.ts';
import type { SsoGrant } from './state.ts';

export const BRAND = 'Mock Billing';

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f4f6fa; }
main { max-width: 52rem; margin: 2rem auto; padding: 1.5rem 2rem; background: #fff;
  border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
h1 { font-size: 1.5rem; margin-top: 0; }
code { background: #eef1f6; padding: 0 .25rem; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e3e7ee; }
.ok { color: #1a7f37; } .gone { color: #b42318; }
`;

function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${BRAND}`}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export function SignedInPage(props: { grant: SsoGrant }) {
  const { grant } = props;
  return (
    <Layout title="Signed in">
      <h1 class="ok">
        Signed in to {BRAND} as subscriber {grant.subscriber} (user {grant.user})
      </h1>
      <p>
        You arrived through the integration link <strong>{grant.label ?? grant.app}</strong> (app{' '}
        <code>{grant.app}</code>). This sign-in link has now been used up.
      </p>
    </Layout>
  );
}

export function GonePage() {
  return (
    <Layout title="Link expired">
      <h1 class="gone">This sign-in link has already been used or has expired</h1>
      <p>Go back to your control panel and open the link again to get a fresh one.</p>
    </Layout>
  );
}

export function IndexPage(props: { origin: string }) {
  const autologin = `${props.origin}/autologin`;
  return (
    <Layout title="Mock partner">
      <h1>{BRAND}: a mock autologin partner</h1>
      <p>
        Store <code>{autologin}</code> as a link’s <code>autologin_token_url</code>. The broker
        POSTs <code>app, user, token, subscriber_unique_id, attempt</code> (form or JSON); a known
        token is answered with <code>{'{"redirect_url": "…/sso/CODE"}'}</code>, a one-time code
        valid for a short while; a wrong token (by default the literal <code>wrong-token</code>)
        gets HTTP 401.
      </p>
      <h2>Fault scenarios</h2>
      <p>
        Add <code>?scenario=NAME</code> and its parameters to the stored URL, for example{' '}
        <code>{`${autologin}?scenario=retry&times=2&retry=1`}</code>.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">scenario</th>
            <th scope="col">parameters (defaults)</th>
            <th scope="col">behaviour</th>
          </tr>
        </thead>
        <tbody>
          {SCENARIOS.map((s) => (
            <tr>
              <td>
                <code>{s.name}</code>
              </td>
              <td>{s.params || '—'}</td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>For tests</h2>
      <p>
        <code>GET /_requests</code> lists what was received (tokens shown only as{' '}
        <code>token_sha256</code>); <code>DELETE /_requests</code> clears the list.
      </p>
    </Layout>
  );
}
