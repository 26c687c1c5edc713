// The shared parameter rules (src/rules.ts): what counts as a character and as a control.
import { describe, expect, it } from 'vitest';
import { CONTROL, checkParams, identifier, text } from '../src/rules.ts';

describe('text rules', () => {
  const label = text('label', 4);
  const reason = (value: string) => {
    const checked = checkParams(label, value);
    return checked.ok ? undefined : checked.reason;
  };

  it('counts code points, so characters outside the BMP count once', () => {
    expect(reason('😀😀😀😀')).toBeUndefined();
    expect(reason('😀😀😀😀😀')).toBe('The “label” parameter may be at most 4 characters long.');
    expect(reason('abcd')).toBeUndefined();
    expect(reason('abcde')).toBe('The “label” parameter may be at most 4 characters long.');
  });

  it('refuses C0, DEL and C1 controls and nothing else', () => {
    expect(reason('a\u0000')).toBe('The “label” parameter must not contain control characters.');
    expect(reason('a\u009f')).toBe('The “label” parameter must not contain control characters.');
    expect(reason('a\u00a0b')).toBeUndefined();
    const differing: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (CONTROL.test(ch) !== /\p{Cc}/u.test(ch)) differing.push(cp.toString(16));
    }
    expect(differing).toEqual([]);
  });

  it('measures identifiers in UTF-16 units, which are all ASCII when valid', () => {
    const app = identifier('app', 3);
    expect(checkParams(app, 'abc').ok).toBe(true);
    expect(checkParams(app, 'abcd')).toEqual({
      ok: false,
      reason: 'The “app” parameter may be at most 3 characters long.',
    });
  });
});
