// The home page (SPEC §6): the username menu in the header, the group panels, the account box
// and the "need more resources?" box. Every link opens the click path in a new tab.

import { launchPath } from '../links/users-links.ts';
import { iconUrl, PUZZLE_URL } from './icons.ts';
import { Layout } from './layout.tsx';
import type { Menu, MenuItem } from './menu.ts';
import { useLink } from './render.tsx';

const iconSrc = (item: MenuItem) => (item.iconHash ? iconUrl(item.app, item.iconHash) : PUZZLE_URL);

/** A link into the click path; the icon is decorative (the label names the link). */
function LaunchLink(props: { item: MenuItem }) {
  const { item } = props;
  return (
    <a href={useLink(launchPath(item.app))} target="_blank" rel="noopener">
      <img src={useLink(iconSrc(item))} alt="" width="40" height="40" />
      <span>{item.label}</span>
      <span class="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

// The username menu is a <details>, which works without JavaScript; with it, the menu also closes
// as menus do: on Escape (focus back on its button) and on a click or focus outside it.
const MENU_SCRIPT = `(() => {
  const menu = document.querySelector('details.usermenu');
  if (!menu) return;
  const close = () => { menu.open = false; };
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !menu.open) return;
    close();
    menu.querySelector('summary').focus();
  });
  document.addEventListener('click', (e) => { if (menu.open && !menu.contains(e.target)) close(); });
  document.addEventListener('focusin', (e) => { if (menu.open && !menu.contains(e.target)) close(); });
})();`;

export function UserMenu(props: { user: string; securityToken: string; items: MenuItem[] }) {
  return (
    <nav aria-label="Account">
      <details class="usermenu">
        <summary>
          <span class="avatar" aria-hidden="true">
            {props.user.slice(0, 1)}
          </span>
          <span>{props.user}</span>
          <span class="caret" aria-hidden="true">
            ▼
          </span>
        </summary>
        <div class="usermenu-panel">
          {props.items.length > 0 ? (
            <>
              <p class="menu-heading" id="usermenu-links">
                Your account
              </p>
              <ul aria-labelledby="usermenu-links">
                {props.items.map((item) => (
                  <li>
                    <LaunchLink item={item} />
                  </li>
                ))}
              </ul>
              <hr />
            </>
          ) : null}
          <form method="post" action={useLink('/logout')}>
            <input type="hidden" name="cp_security_token" value={props.securityToken} />
            <button type="submit">Log out</button>
          </form>
        </div>
      </details>
    </nav>
  );
}

export function HomePage(props: {
  nonce: string;
  user: string;
  domain: string | undefined;
  securityToken: string;
  menu: Menu;
}) {
  const { menu } = props;
  return (
    <Layout
      title="Home"
      nonce={props.nonce}
      userMenu={
        <UserMenu user={props.user} securityToken={props.securityToken} items={menu.userMenu} />
      }
    >
      <div class="layout">
        <main id="main">
          <h1 class="page-title">Tools</h1>
          {menu.empty ? (
            <section class="panel empty" aria-labelledby="empty-title">
              <img src={useLink(PUZZLE_URL)} alt="" width="56" height="56" />
              <h2 id="empty-title">No integrations yet</h2>
              <p>
                When your hosting provider connects services such as billing or support to your
                account, they will appear here.
              </p>
            </section>
          ) : null}
          {!menu.empty && menu.panels.length === 0 ? (
            <section class="panel" aria-label="Integrations">
              <p class="note">
                Your integrations are in the menu under your username at the top of the page.
              </p>
            </section>
          ) : null}
          {menu.panels.map((panel) => (
            <section class="panel" aria-labelledby={`group-${panel.id}`}>
              <h2 id={`group-${panel.id}`}>{panel.label}</h2>
              <ul class="items">
                {panel.items.map((item) => (
                  <li>
                    <LaunchLink item={item} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </main>
        <aside aria-label="Account overview">
          <section class="panel info" aria-labelledby="info-title">
            <h2 id="info-title">General information</h2>
            <dl>
              <dt>Current user</dt>
              <dd>{props.user}</dd>
              {props.domain ? (
                <>
                  <dt>Primary domain</dt>
                  <dd>{props.domain}</dd>
                </>
              ) : null}
            </dl>
          </section>
          {menu.upgrades.length > 0 ? (
            <section class="panel upsell" aria-labelledby="upsell-title">
              <h2 id="upsell-title">Need more resources?</h2>
              <p>Get more space, bandwidth and features for your sites.</p>
              <ul>
                {menu.upgrades.map((item) => (
                  <li>
                    <LaunchLink item={item} />
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </aside>
      </div>
      <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: MENU_SCRIPT }} />
    </Layout>
  );
}
