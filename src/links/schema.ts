// Link and group parameter schemas (SPEC §3.1, §3.2): the rules, their reasons and the types.
import { z } from 'zod';
import { serviceParam, userParam } from '../accounts/accounts.ts';
import { checkHttpUrl } from '../broker/redirect-url.ts';
import { about, addReason, flag, identifier, integerString, q, str, text } from '../rules.ts';
import { normalisePngBase64 } from './png.ts';

export const BUILTIN_GROUPS = [
  'files',
  'databases',
  'domains',
  'email',
  'metrics',
  'security',
  'software',
  'advanced',
  'pref',
] as const;
export type BuiltinGroup = (typeof BUILTIN_GROUPS)[number];
export const isBuiltinGroup = (id: string): id is BuiltinGroup =>
  (BUILTIN_GROUPS as readonly string[]).includes(id);

export const appParam = identifier('app', 64, [
  [(v) => !v.startsWith('group_'), `${q('app')} must not begin with “group_”.`],
]).meta({
  description:
    'The link’s name for this user: 1–64 characters of A-Z a-z 0-9 _ -, not beginning with “group_”.',
  pattern: '^(?!group_)[A-Za-z0-9_-]{1,64}$',
  examples: ['WHMCS_billing'],
});

const httpUrl = (name: string) =>
  str(name)
    .check((payload) => {
      const problem = checkHttpUrl(payload.value);
      if (problem) addReason(payload, `${q(name)} ${problem}.`);
    })
    .meta({
      description:
        'An absolute http: or https: URL of at most 2048 characters, without credentials, spaces, control characters or backslashes, read as a browser reads it (the WHATWG URL Standard: non-ASCII, and characters such as | or { that an RFC 3987 IRI lacks, are accepted and sent %-encoded). No `format` is given: neither uri nor iri is this rule.',
      maxLength: 2048,
    });
const EXAMPLE_ORIGIN = 'https://billing.example.com';

const pngImage = str('base64_png_image')
  .meta({
    description:
      'A PNG image in Base64 (line breaks and whitespace ignored), at most 512 KiB decoded; absent → the default puzzle-piece icon.',
    contentEncoding: 'base64',
    contentMediaType: 'image/png',
    // A 1×1 PNG.
    examples: [
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    ],
  })
  .transform((value, ctx) => {
    const result = normalisePngBase64(value);
    if (typeof result === 'string') return result;
    ctx.addIssue({ code: 'custom', message: `${q('base64_png_image')} ${result.problem}.` });
    return z.NEVER;
  });

/** The token rule, shared by create_integration_link and update_integration_link_token. */
export const tokenParam = about(
  text('token', 4096),
  'The secret the broker POSTs to autologin_token_url. Stored only in the 0600 admin file; never returned.',
).meta({ examples: ['subway'] });

/** The arguments of create_integration_link (the user's existence is checked separately). */
export const createLinkParams = z
  .object({
    user: userParam,
    app: appParam,
    implements: about(
      identifier('implements'),
      'The appkey the link implements, typically billing, customer_service, support or upgrade (those appear in the username menu; upgrade also in “Need more resources?”).',
    ).meta({ examples: ['billing'] }),
    label: about(
      text('label', 256, { shown: true }),
      'The text shown in the menu (HTML-escaped wherever shown).',
    ).meta({ examples: ['WHMCS Billing'] }),
    subscriber_unique_id: about(
      text('subscriber_unique_id', 1024),
      'The subscriber’s id at the partner, sent with every autologin POST.',
    ).meta({ examples: ['1234'] }),
    token: tokenParam,
    autologin_token_url: about(
      httpUrl('autologin_token_url'),
      'Where the broker POSTs the token for a one-time login URL. One of autologin_token_url and url is required.',
    )
      .meta({ examples: [`${EXAMPLE_ORIGIN}/autologin.php`] })
      .optional(),
    url: about(
      httpUrl('url'),
      'Where the user goes when there is no autologin_token_url or the partner fails. One of autologin_token_url and url is required.',
    )
      .meta({ examples: [`${EXAMPLE_ORIGIN}/`] })
      .optional(),
    base64_png_image: pngImage.optional(),
    group_id: about(
      identifier('group_id'),
      `A built-in group (${BUILTIN_GROUPS.join(', ')}) or a custom group of this user; absent → the username menu.`,
    )
      .meta({ examples: ['email'] })
      .optional(),
    hide: about(
      flag('hide'),
      '1 hides the link from menus (it stays launchable); default 0.',
    ).optional(),
    order: about(integerString('order'), 'Position within its group; default 99999.')
      .meta({ examples: ['10'] })
      .optional(),
  })
  .refine((p) => p.url !== undefined || p.autologin_token_url !== undefined, {
    message: 'You must supply one of the following parameters: autologin_token_url, url',
  })
  // The refinement above, said in JSON Schema for the API reference.
  .meta({ anyOf: [{ required: ['autologin_token_url'] }, { required: ['url'] }] });
export type CreateLinkParams = z.output<typeof createLinkParams>;

export const groupIdParam = identifier('group_id', 64, [
  [
    (v) => !isBuiltinGroup(v),
    `${q('group_id')} must not be a built-in group id (${BUILTIN_GROUPS.join(', ')}).`,
  ],
]).meta({
  description: `The custom group’s id for this user; links name it in their group_id. Rule: 1–64 characters of A-Z a-z 0-9 _ -, not a built-in group id (${BUILTIN_GROUPS.join(', ')}).`,
  pattern: `^(?!(?:${BUILTIN_GROUPS.join('|')})$)[A-Za-z0-9_-]{1,64}$`,
  examples: ['partner_tools'],
});

/** remove_integration_link and get_integration_link_user_config. */
export const linkParams = z.object({ user: userParam, app: appParam });
export type LinkParams = z.output<typeof linkParams>;

export const updateTokenParams = z.object({ user: userParam, app: appParam, token: tokenParam });
export type UpdateTokenParams = z.output<typeof updateTokenParams>;

export const createGroupParams = z.object({
  user: userParam,
  group_id: groupIdParam,
  label: about(text('label', 256, { shown: true }), 'The panel heading shown for the group.').meta({
    examples: ['Partner tools'],
  }),
  order: about(
    integerString('order', 1),
    'Position among the custom groups (they follow the built-in ones).',
  ).meta({ examples: ['1'] }),
});
export type CreateGroupParams = z.output<typeof createGroupParams>;

export const groupParams = z.object({ user: userParam, group_id: groupIdParam });
export type GroupParams = z.output<typeof groupParams>;

/** get_users_links: the appkeys of one interface (only cpaneld exists here). */
export const usersLinksParams = z.object({ user: userParam, service: serviceParam('interface') });
export type UsersLinksParams = z.output<typeof usersLinksParams>;
