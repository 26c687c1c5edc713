// The demo content, shared by `linkbroker demo` and the browser test: a `demo` account whose
// links show every path of the click (instant sign-in, wait then sign-in, failing partner with
// fallback, plain URL) in the username menu, built-in groups and a custom group.
import { crc32, deflateSync } from 'node:zlib';
import { whmFunctions } from '../whm/functions/index.ts';
import { answerSucceeded, runWhmFunction, type WhmDeps } from '../whm/registry.ts';

export const DEMO_USER = 'demo';
const DEMO_DOMAIN = 'demo.example.com';
const CUSTOM_GROUP = { group_id: 'partner_tools', label: 'Partner tools', order: '1' };

/** How the mock partner answers a demo link's click. */
export type DemoBehaviour = 'instant' | 'wait-then-sign-in' | 'fallback' | 'plain-url';

export interface DemoLink {
  app: string;
  label: string;
  behaviour: DemoBehaviour;
  /** Where the link shows: the username menu or a panel (by group label). */
  shownIn: string;
  /** Where else it shows (an `upgrade` link: the "Need more resources?" box too). */
  alsoShownIn?: string;
  args: Record<string, string>;
}

/** A white glyph on the demo icons, as rectangles [x0, y0, x1, y1] on the 48×48 grid. */
const GLYPHS = {
  /** A stack of disks (backups). */
  stack: [
    [13, 13, 35, 19],
    [13, 21, 35, 27],
    [13, 29, 35, 35],
  ],
  /** Three bars of a chart (analytics). */
  bars: [
    [13, 25, 19, 35],
    [21, 15, 27, 35],
    [29, 21, 35, 35],
  ],
  /** A browser window (site builder). */
  window: [
    [12, 13, 36, 19],
    [12, 19, 14, 35],
    [34, 19, 36, 35],
    [12, 33, 36, 35],
    [17, 23, 25, 29],
  ],
} as const satisfies Record<string, readonly (readonly [number, number, number, number])[]>;

type Rgb = readonly [number, number, number];

/** Coverage (0–1) of a rounded rectangle at pixel (x, y), one pixel of anti-aliasing. */
function roundedRect(x: number, y: number, r: readonly number[], radius: number): number {
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = r;
  const cx = Math.min(Math.max(x + 0.5, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(y + 0.5, y0 + radius), y1 - radius);
  const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - radius;
  return Math.min(1, Math.max(0, 0.5 - d));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(4 + body.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 4 + body.length);
  return out;
}

/** A 48×48 icon: a rounded square with a vertical gradient and a white glyph. */
export function makeIconPng(top: Rgb, bottom: Rgb, glyph: keyof typeof GLYPHS): Buffer {
  const size = 48;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    const t = y / (size - 1);
    for (let x = 0; x < size; x++) {
      const white = Math.max(...GLYPHS[glyph].map((r) => roundedRect(x, y, r, 1.5)));
      const i = 1 + x * 4;
      for (let k = 0; k < 3; k++) {
        const base = (top[k] ?? 0) * (1 - t) + (bottom[k] ?? 0) * t;
        row[i + k] = Math.round(base * (1 - white) + 255 * white);
      }
      row[i + 3] = Math.round(255 * roundedRect(x, y, [0, 0, size, size], 11));
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The demo links for a mock partner at `partnerUrl` (its port changes on every start). */
export function demoLinks(partnerUrl: string): DemoLink[] {
  const autologin = `${partnerUrl}/autologin`;
  const fallback = `${partnerUrl}/`;
  const icon = (top: Rgb, bottom: Rgb, glyph: keyof typeof GLYPHS) =>
    makeIconPng(top, bottom, glyph).toString('base64');
  return [
    {
      app: 'billing',
      label: 'Billing & invoices',
      behaviour: 'instant',
      shownIn: 'username menu',
      args: { implements: 'billing', autologin_token_url: autologin, url: fallback, order: '1' },
    },
    {
      app: 'upgrade',
      label: 'Upgrade your plan',
      behaviour: 'wait-then-sign-in',
      shownIn: 'username menu',
      alsoShownIn: '"Need more resources?"',
      args: {
        implements: 'upgrade',
        autologin_token_url: `${autologin}?scenario=retry&times=1&retry=3`,
        url: fallback,
        order: '2',
      },
    },
    {
      app: 'support',
      label: 'Support tickets',
      behaviour: 'plain-url',
      shownIn: 'username menu',
      args: { implements: 'support', url: fallback, order: '3' },
    },
    {
      app: 'backups',
      label: 'Offsite backups',
      behaviour: 'fallback',
      shownIn: 'Files',
      args: {
        implements: 'backups',
        group_id: 'files',
        autologin_token_url: `${autologin}?scenario=status&code=500`,
        url: fallback,
        base64_png_image: icon([255, 170, 60], [224, 94, 20], 'stack'),
      },
    },
    {
      app: 'sitebuilder',
      label: 'Website builder',
      behaviour: 'instant',
      shownIn: 'Software',
      args: {
        implements: 'sitebuilder',
        group_id: 'software',
        autologin_token_url: autologin,
        base64_png_image: icon([99, 179, 255], [10, 102, 194], 'window'),
      },
    },
    {
      app: 'analytics',
      label: 'Visitor analytics',
      behaviour: 'wait-then-sign-in',
      shownIn: 'Metrics',
      args: {
        implements: 'analytics',
        group_id: 'metrics',
        autologin_token_url: `${autologin}?scenario=retry&times=1&retry=2`,
        base64_png_image: icon([110, 220, 160], [20, 140, 90], 'bars'),
      },
    },
    {
      app: 'status',
      label: 'Service status',
      behaviour: 'plain-url',
      shownIn: CUSTOM_GROUP.label,
      args: { implements: 'status', group_id: CUSTOM_GROUP.group_id, url: fallback },
    },
  ];
}

async function run(deps: WhmDeps, name: string, args: Record<string, string>) {
  const answer = await runWhmFunction(whmFunctions, deps, name, args);
  if (!answerSucceeded(answer)) {
    const reason = (answer as { metadata?: { reason?: string } }).metadata?.reason;
    throw new Error(`demo: ${name} failed: ${reason ?? JSON.stringify(answer)}`);
  }
  return answer as { data?: Record<string, unknown> };
}

/**
 * Makes sure the demo account, its custom group and its links exist, pointing at the partner.
 * Safe to run on every start: existing content is reused and each link is replaced whole.
 */
export async function seedDemo(deps: WhmDeps, partnerUrl: string): Promise<DemoLink[]> {
  if (!(await deps.store.getAccount(DEMO_USER))) {
    await run(deps, 'createacct', { username: DEMO_USER, domain: DEMO_DOMAIN });
  }
  await run(deps, 'create_integration_group', { user: DEMO_USER, ...CUSTOM_GROUP });
  const links = demoLinks(partnerUrl);
  for (const link of links) {
    await run(deps, 'create_integration_link', {
      user: DEMO_USER,
      app: link.app,
      label: link.label,
      subscriber_unique_id: '1001',
      token: `demo-token-${link.app}`,
      ...link.args,
    });
  }
  return links;
}

/** A fresh single-use login URL for the demo account (create_user_session). */
export async function demoLoginUrl(deps: WhmDeps): Promise<string> {
  const answer = await run(deps, 'create_user_session', { user: DEMO_USER });
  return String(answer.data?.url);
}
