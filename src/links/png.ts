// Link icons: Base64 PNG data as cPanel accepts it (line-wrapped, possibly with "+" turned
// into spaces by a careless query string), normalised to one unwrapped Base64 string.

export const MAX_ICON_BYTES = 512 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decode(candidate: string): Buffer | undefined {
  if (candidate.length === 0 || candidate.length % 4 !== 0 || !BASE64.test(candidate)) return;
  return Buffer.from(candidate, 'base64');
}

/**
 * Whether the chunks of a PNG chain from its signature to an IEND that ends the data: a reading
 * of the Base64 that lost or gained bytes on the way breaks the chain.
 */
function chunksChain(png: Buffer): boolean {
  let at = PNG_SIGNATURE.length;
  while (at + 12 <= png.length) {
    const type = png.toString('latin1', at + 4, at + 8);
    at += 12 + png.readUInt32BE(at);
    if (type === 'IEND') return at === png.length;
  }
  return false;
}

/** The normalised Base64 string, or the reason (a sentence fragment) it is not a usable PNG. */
export function normalisePngBase64(value: string): string | { problem: string } {
  const unwrapped = value.replace(/[\t\n\r\f\v]/g, '');
  // Spaces are whitespace to ignore, unless the data only makes sense with them read as "+".
  const candidates = [unwrapped.replace(/ /g, '')];
  if (unwrapped.includes(' ')) candidates.push(unwrapped.trim().replace(/ /g, '+'));
  let problem = 'must be Base64-encoded data';
  const pngs: string[] = [];
  for (const candidate of candidates) {
    if (candidate.length > Math.ceil(MAX_ICON_BYTES / 3) * 4) {
      return { problem: `may decode to at most ${MAX_ICON_BYTES / 1024} KiB` };
    }
    const bytes = decode(candidate);
    if (!bytes) continue;
    if (bytes.length > MAX_ICON_BYTES) {
      return { problem: `may decode to at most ${MAX_ICON_BYTES / 1024} KiB` };
    }
    if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
      // Both readings may decode (four "+" read as spaces to drop leave whole Base64): the one
      // whose chunks hold together is the image sent.
      if (chunksChain(bytes)) return candidate;
      pngs.push(candidate);
    } else {
      problem = 'must be a PNG image';
    }
  }
  return pngs[0] ?? { problem };
}
