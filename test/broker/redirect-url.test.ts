// The URL rule shared by partner redirects and link validation.

import { describe, expect, it } from 'vitest';
import {
  checkHttpUrl,
  FORBIDDEN_CHARACTERS,
  isSafeRedirectUrl,
  safeLocationOrigin,
  toSafeLocation,
  urlOrigin,
} from '../../src/broker/redirect-url.ts';

describe('isSafeRedirectUrl', () => {
  it.each([
    'https://billing.example.com/sso/abc?code=1',
    'http://127.0.0.1:4000/sso/x',
    'HTTPS://Example.COM/path',
    'https://example.com',
    'https://[::1]:8443/x#frag',
    'https://bücher.example/ä',
  ])('accepts %s', (url) => {
    expect(isSafeRedirectUrl(url)).toBe(true);
    expect(checkHttpUrl(url)).toBeUndefined();
  });

  it.each([
    ['javascript:alert(1)', 'javascript'],
    ['JavaScript:alert(1)', 'mixed-case javascript'],
    ['  javascript:alert(1)', 'leading spaces'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['/x', 'relative path'],
    ['//evil.example/x', 'scheme-relative'],
    ['https://example.com/a\r\nSet-Cookie: x=1', 'CR/LF'],
    ['https://example.com/a\nb', 'LF'],
    ['https://example.com/a\tb', 'tab'],
    ['https://example.com/a b', 'space'],
    ['https://example.com/\u0000', 'NUL'],
    ['https://example.com/\u007f', 'DEL'],
    ['https://example.com/\u0085', 'C1 (NEL)'],
    ['https://example.com/\u2028', 'line separator'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'user name'],
    ['https://@example.com/', 'empty user info'],
    ['https:\\\\evil.example/', 'backslashes'],
    ['http:evil.example', 'no slashes'],
    ['http:/evil.example', 'one slash'],
    ['ftp://example.com/', 'ftp'],
    ['file:///etc/passwd', 'file'],
    ['https://', 'no host'],
    [`https://example.com/${'a'.repeat(2048)}`, 'too long'],
    ['', 'empty'],
  ])('refuses %j (%s)', (url) => {
    expect(isSafeRedirectUrl(url)).toBe(false);
    expect(checkHttpUrl(url)).toMatch(/^(must|may) /);
  });

  it.each([undefined, null, 42, {}, ['https://example.com/']])('refuses non-string %j', (v) => {
    expect(isSafeRedirectUrl(v)).toBe(false);
  });

  it('accepts exactly 2048 characters and refuses 2049', () => {
    const base = 'https://example.com/';
    expect(isSafeRedirectUrl(base + 'a'.repeat(2048 - base.length))).toBe(true);
    expect(checkHttpUrl(base + 'a'.repeat(2049 - base.length))).toBe(
      'may be at most 2048 characters long',
    );
    // Characters as a person counts them (code points), as the API reference's maxLength does:
    // 2048 emoji are 4096 UTF-16 units.
    const emoji = base + '😀'.repeat(2048 - base.length);
    expect(emoji.length).toBeGreaterThan(2048);
    expect(checkHttpUrl(emoji)).toBeUndefined();
    expect(checkHttpUrl(`${emoji}😀`)).toBe('may be at most 2048 characters long');
  });

  it('forbids exactly the controls, space, backslash and what \\s matches, in every plane', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule's definition, spelled out.
    const definition = /[\u0000-\u0020\u007f-\u009f\\]|\s/u;
    const differing: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (FORBIDDEN_CHARACTERS.test(ch) !== definition.test(ch)) differing.push(cp.toString(16));
    }
    expect(differing).toEqual([]);
  });

  it('counts an "@" only in the authority as credentials', () => {
    for (const url of [
      'https://a.example/@x',
      'https://a.example?to=x@y.example',
      'https://a.example#@',
      'https://a.example:8443/p/@/q',
    ]) {
      expect(checkHttpUrl(url)).toBeUndefined();
    }
    for (const url of ['https://x@a.example', 'HTTP://@a.example/', 'https://a:b@c@a.example?x']) {
      expect(checkHttpUrl(url)).toBe('must not contain credentials');
    }
  });

  it('wants exactly two slashes after the scheme: more would move the host past the checks', () => {
    // WHATWG reads these with the host after the extra slashes, "@" and all.
    for (const url of [
      'http:///:@x.example/',
      'http:///@x.example/',
      'http:///x.example/',
      'https:////evil.example/a',
    ]) {
      expect(checkHttpUrl(url)).toBe('must be an absolute “http:” or “https:” URL');
    }
  });

  it('says the host or port is what cannot be read when the scheme is right', () => {
    for (const url of [
      'https://billing.example.com:99999/',
      'http://exa<mple/',
      'http://1.2.3.4.5/',
    ]) {
      expect(checkHttpUrl(url)).toBe('must be a valid URL: its host or port cannot be read');
    }
  });

  it('names the broken rule in a fragment that completes a WHM reason', () => {
    expect(checkHttpUrl('https://u:p@example.com/')).toBe('must not contain credentials');
    expect(checkHttpUrl('javascript:x')).toBe('must be an absolute “http:” or “https:” URL');
    expect(checkHttpUrl('https://a.example/\n')).toBe(
      'must not contain control characters, whitespace or backslashes',
    );
  });
});

describe('toSafeLocation and urlOrigin', () => {
  it('serialises a safe URL so a Location header can carry it', () => {
    expect(toSafeLocation('https://example.com/€?q=ü')).toBe(
      'https://example.com/%E2%82%AC?q=%C3%BC',
    );
    expect(toSafeLocation('javascript:alert(1)')).toBeUndefined();
  });

  it('keeps only the origin', () => {
    expect(urlOrigin('https://sso.example:8443/sso/SECRET?code=SECRET')).toBe(
      'https://sso.example:8443',
    );
    expect(urlOrigin('not a url')).toBeUndefined();
  });
});

describe('safeLocationOrigin', () => {
  it.each([
    'https://partner.example/sso/abc?code=1#x',
    'http://127.0.0.1:8080/sso/1',
    'https://PARTNER.example:443/',
    'http://[::1]:3000/a',
    'https://xn--bcher-kva.example/ü?q=ä',
    'https://partner.example',
  ])('is the URL origin of a safe location (%s)', (url) => {
    const location = toSafeLocation(url);
    expect(location).toBeDefined();
    expect(safeLocationOrigin(location as string)).toBe(new URL(url).origin);
  });
});
