// Link and group parameter schemas (SPEC §3.1, §3.2): the rules, their reasons and the types.
import { z } from 'zod';
import { checkHttpUrl } from '../broker/redirect-url.ts';
import { flag, identifier, integerString, q, str, text } from '../rules.ts';
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

export const appParam = identifier('app').refine(
  (v) => !v.startsWith('group_'),
  `${q('app')} must not begin with “group_”.`,
);

const httpUrl = (name: string) =>
  str(name).superRefine((value, ctx) => {
    const problem = checkHttpUrl(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${q(name)} ${problem}.` });
  });

const pngImage = str('base64_png_image').transform((value, ctx) => {
  const result = normalisePngBase64(value);
  if (typeof result === 'string') return result;
  ctx.addIssue({ code: 'custom', message: `${q('base64_png_image')} ${result.problem}.` });
  return z.NEVER;
});

/** The token rule, shared by create_integration_link and update_integration_link_token. */
export const tokenParam = text('token', 4096);

/** The arguments of create_integration_link after validation (user checked separately). */
export const createLinkParams = z
  .object({
    app: appParam,
    implements: identifier('implements'),
    label: text('label', 256),
    subscriber_unique_id: text('subscriber_unique_id', 1024),
    token: tokenParam,
    autologin_token_url: httpUrl('autologin_token_url').optional(),
    url: httpUrl('url').optional(),
    base64_png_image: pngImage.optional(),
    group_id: identifier('group_id').optional(),
    hide: flag('hide').optional(),
    order: integerString('order').optional(),
  })
  .refine((p) => p.url !== undefined || p.autologin_token_url !== undefined, {
    message: 'You must supply one of the following parameters: autologin_token_url, url',
  });
export type CreateLinkParams = z.output<typeof createLinkParams>;

export const groupIdParam = identifier('group_id').refine(
  (v) => !isBuiltinGroup(v),
  `${q('group_id')} must not be a built-in group id (${BUILTIN_GROUPS.join(', ')}).`,
);

/** remove_integration_link and get_integration_link_user_config (user checked separately). */
export const appParams = z.object({ app: appParam });

export const updateTokenParams = z.object({ app: appParam, token: tokenParam });

export const createGroupParams = z.object({
  group_id: groupIdParam,
  label: text('label', 256),
  order: integerString('order', 1),
});

export const groupIdParams = z.object({ group_id: groupIdParam });
