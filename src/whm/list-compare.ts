// The comparisons behind WHM's list arguments: filter predicates and sort keys, on record values
// read as text (WHM's values are Perl scalars, so a number and its decimal string are alike).

export const FILTER_TYPES = [
  'contains',
  'begins',
  'eq',
  '==',
  'lt',
  'lt_equal',
  'gt',
  'gt_equal',
  'lt_handle_unlimited',
  'gt_handle_unlimited',
] as const;
export type FilterType = (typeof FILTER_TYPES)[number];

export const isFilterType = (type: string): type is FilterType =>
  (FILTER_TYPES as readonly string[]).includes(type);

/** Filter types whose argument is a number (or "unlimited" for the *_handle_unlimited ones). */
export const numericFilter = (type: FilterType) =>
  type !== 'contains' && type !== 'begins' && type !== 'eq';
export const unlimitedFilter = (type: FilterType) => type.endsWith('_handle_unlimited');

/** Sort methods; `ipv_4` is how @cpanel/api spells ipv4 (lodash snakeCase of `Ipv4`). */
const METHODS = [
  'lexicographic',
  'lexicographic_caseless',
  'numeric',
  'numeric_zero_as_max',
  'ipv4',
] as const;
export type SortMethod = (typeof METHODS)[number];
export const SORT_METHODS: readonly string[] = METHODS;

export function sortMethod(name: string): SortMethod | undefined {
  if (name === 'ipv_4') return 'ipv4';
  return (METHODS as readonly string[]).includes(name) ? (name as SortMethod) : undefined;
}

/** A record value as text: scalars as written, absent as "", anything else as JSON. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number, or "unlimited" as Infinity when `unlimited`; undefined for anything else. */
export function parseNumber(text: string, unlimited = false): number | undefined {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (unlimited && t.toLowerCase() === 'unlimited') return Number.POSITIVE_INFINITY;
  return undefined;
}

/**
 * The predicate a filter applies to one value. `arg` was validated against the type. The
 * *_handle_unlimited types read a value of `unlimited` or 0 as unlimited (infinity), as cPanel
 * does: 0 is how cPanel stores an unlimited quota.
 */
export function filterPredicate(type: FilterType, arg: string): (value: string) => boolean {
  if (type === 'contains' || type === 'begins') {
    const needle = arg.toLowerCase();
    return type === 'contains'
      ? (value) => value.toLowerCase().includes(needle)
      : (value) => value.toLowerCase().startsWith(needle);
  }
  if (type === 'eq') return (value) => value === arg;
  const unlimited = unlimitedFilter(type);
  const b = parseNumber(arg, unlimited) as number;
  const test: (a: number) => boolean = {
    '==': (a: number) => a === b,
    lt: (a: number) => a < b,
    lt_equal: (a: number) => a <= b,
    gt: (a: number) => a > b,
    gt_equal: (a: number) => a >= b,
    lt_handle_unlimited: (a: number) => a < b,
    gt_handle_unlimited: (a: number) => a > b,
  }[type];
  // A value that is not a number never matches a numeric filter.
  return (value) => {
    const a = parseNumber(value, unlimited);
    return a !== undefined && test(unlimited && a === 0 ? Number.POSITIVE_INFINITY : a);
  };
}

function ipv4Number(text: string): number {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return Number.NaN;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return Number.NaN;
    n = n * 256 + Number(part);
  }
  return n;
}

/** The key a value sorts by: a string (lexicographic) or a number, NaN when not of the kind. */
export function sortKey(method: SortMethod, value: string): string | number {
  switch (method) {
    case 'lexicographic':
      return value;
    case 'lexicographic_caseless':
      return value.toLowerCase();
    case 'ipv4':
      return ipv4Number(value);
    case 'numeric':
      return parseNumber(value, true) ?? Number.NaN;
    case 'numeric_zero_as_max': {
      const n = parseNumber(value, true) ?? Number.NaN;
      return n === 0 ? Number.POSITIVE_INFINITY : n;
    }
  }
}

/**
 * Ascending order of two keys. Strings compare by code point (like Perl's `cmp`); numbers
 * numerically, with values that are not numbers (NaN) after all numbers, among themselves in
 * the order of their text.
 */
export function compareKeys(a: string | number, b: string | number, ta: string, tb: string) {
  if (typeof a === 'string' || typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) {
    if (na && nb) return ta < tb ? -1 : ta > tb ? 1 : 0;
    return na ? 1 : -1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}
