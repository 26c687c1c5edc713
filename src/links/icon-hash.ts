// A stored icon as the pages refer to it: decoded from its Base64, and named by a hash of its
// content (part of its URL, so a changed icon is a new URL that browsers may cache for good).
import { createHash } from 'node:crypto';
import type { LinkSummary, LinkUserConfig } from '../store/store.ts';
import { normalisePngBase64 } from './png.ts';

/** The decoded PNG of a stored `base64_png_image`; undefined when there is none or no PNG. */
export function decodeStoredIcon(base64: string | undefined): Buffer | undefined {
  if (!base64) return undefined;
  const normalised = normalisePngBase64(base64);
  return typeof normalised === 'string' ? Buffer.from(normalised, 'base64') : undefined;
}

export const iconHash = (png: Buffer) =>
  createHash('sha256').update(png).digest('hex').slice(0, 32);

/** The link without its icon's data, with the icon's hash instead (see LinkSummary). */
export function summarizeLink(config: LinkUserConfig): LinkSummary {
  const { base64_png_image: icon, ...rest } = config;
  const png = decodeStoredIcon(icon);
  return png ? { ...rest, iconHash: iconHash(png) } : rest;
}
