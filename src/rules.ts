// Parameter rules as zod schemas whose messages are the WHM `reason` sentences. Every API
// parameter is built from these, so one rule always reads the same way everywhere.
import { z } from 'zod';
import { ValidationError } from './errors.ts';

// The Unicode category Cc (C0 controls, DEL, C1 controls), as a plain class: the same code
// points as /\p{Cc}/u, matched without the Unicode-mode engine.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;
// Text shown to users may not reorder itself (bidirectional embeddings, overrides and isolates:
// "Billing\u202Egnp.exe" reads as "Billingexe.png") or break lines.
const SHOWN_CONTROL = /[\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/**
 * Nothing that shows: whitespace, default-ignorable code points (format characters, joiners,
 * Hangul fillers, the combining grapheme joiner…) and the blank braille pattern.
 */
export const BLANK = /^[\s\p{Default_Ignorable_Code_Point}\u2800]*$/u;

export const q = (name: string) => `The “${name}” parameter`;

/** Number of Unicode code points (what a person counts as characters). */
export const charCount = (value: string) => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

/** Whether `value` has at most `max` code points (never more of those than UTF-16 units). */
const charsAtMost = (value: string, max: number) => value.length <= max || charCount(value) <= max;

/** A string parameter: required (or optional) with a clear message when absent. */
export function str(name: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined ? `${q(name)} is required.` : `${q(name)} must be a string.`,
  });
}

/** A test a value must pass, and the sentence that is the reason when it does not. */
export type Rule = readonly [test: (value: string) => boolean, reason: string];

/** Adds `reason` as the issue of a zod check's payload. */
export function addReason(payload: { value: unknown; issues: unknown[] }, reason: string): void {
  payload.issues.push({ code: 'custom', message: reason, input: payload.value });
}

/**
 * A string parameter whose rules are checked in order; the first broken one is the reason. All
 * rules run as one zod check rather than one refinement each, which halves the validation cost
 * of a call (measured with bench/create.ts).
 */
export function ruled(name: string, rules: readonly Rule[]) {
  return str(name).check((payload) => {
    for (const [test, reason] of rules) {
      if (!test(payload.value)) return addReason(payload, reason);
    }
  });
}

const nonEmpty = (name: string): Rule => [(v) => v.length > 0, `${q(name)} must not be empty.`];
const atMost = (name: string, max: number, fits: (v: string, max: number) => boolean): Rule => [
  (v) => fits(v, max),
  `${q(name)} may be at most ${max} characters long.`,
];

/** 1–max characters, no control characters. */
export function text(name: string, max: number, { shown = false } = {}) {
  const rules: Rule[] = [
    nonEmpty(name),
    atMost(name, max, charsAtMost),
    [(v) => !CONTROL.test(v), `${q(name)} must not contain control characters.`],
  ];
  if (shown) {
    rules.push([(v) => !BLANK.test(v), `${q(name)} must contain a visible character.`]);
    rules.push([
      (v) => !SHOWN_CONTROL.test(v),
      `${q(name)} must not contain bidirectional control characters or line separators (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029).`,
    ]);
  }
  return ruled(name, rules).meta({
    description: shown
      ? `1–${max} characters, at least one visible, no control characters (bidirectional controls and line separators included).`
      : `1–${max} characters, no control characters.`,
    minLength: 1,
    maxLength: max,
  });
}

/** 1–max characters of A-Z a-z 0-9 _ - , then any `more` rules. */
export function identifier(name: string, max = 64, more: readonly Rule[] = []) {
  return ruled(name, [
    nonEmpty(name),
    atMost(name, max, (v, limit) => v.length <= limit),
    [(v) => IDENTIFIER.test(v), `${q(name)} may contain only letters, digits, “_” and “-”.`],
    ...more,
  ]).meta({
    description: `1–${max} characters of A-Z a-z 0-9 _ -.`,
    pattern: `^[A-Za-z0-9_-]{1,${max}}$`,
    minLength: 1,
    maxLength: max,
  });
}

/** integerString(name, 1) as a pattern: at most 15 digits after any zeros in front, not 0. */
export const WHOLE_FROM_1_PATTERN = '^0*[1-9][0-9]{0,14}$';
const INTEGER_PATTERN = '^-?0*[0-9]{1,15}$';

/** An integer written in decimal, optionally negative, e.g. "-5" or "99999". */
export function integerString(
  name: string,
  min: 1 | typeof Number.MIN_SAFE_INTEGER = Number.MIN_SAFE_INTEGER,
) {
  const rule =
    min > Number.MIN_SAFE_INTEGER
      ? `${q(name)} must be a whole number of at least ${min}.`
      : `${q(name)} must be an integer.`;
  return ruled(name, [
    [(v) => /^-?\d+$/.test(v), rule],
    // Beyond 15 digits a double no longer holds every integer: the value would change. Zeros in
    // front change nothing (0001 is 1), so they do not count.
    [(v) => /^-?0*\d{1,15}$/.test(v), `${q(name)} may have at most 15 digits.`],
    [(v) => Number(v) >= min, rule],
  ])
    .meta({
      description:
        min > Number.MIN_SAFE_INTEGER
          ? `A whole number of at least ${min}, in decimal.`
          : 'An integer in decimal; may be negative.',
      pattern: min === 1 ? WHOLE_FROM_1_PATTERN : INTEGER_PATTERN,
    })
    .transform((v) => String(Number(v)));
}

/** "0" or "1". */
export function flag(name: string) {
  return ruled(name, [[(v) => v === '0' || v === '1', `${q(name)} must be 0 or 1.`]]).meta({
    description: '0 or 1.',
    enum: ['0', '1'],
  });
}

/** What validation answers: the parsed parameters, or the reason of the first broken rule. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates `args` (a record of arguments, or one value) against `schema`; a broken rule is a result, not an exception. */
export function checkParams<S extends z.ZodType>(
  schema: S,
  args: Readonly<Record<string, string>> | string,
): Checked<z.output<S>> {
  // The Standard Schema entry point answers plain issues: building a ZodError (which safeParse
  // does for a failure) was the largest cost of a rejected call in the profile.
  const result = schema['~standard'].validate(args);
  if (result instanceof Promise) throw new TypeError('parameter schemas must be synchronous');
  if (!result.issues) return { ok: true, value: result.value as z.output<S> };
  return { ok: false, reason: result.issues[0]?.message ?? 'The parameters are not valid.' };
}

/** Validates `args` against `schema`, throwing the first broken rule as a ValidationError. */
export function parseParams<S extends z.ZodType>(
  schema: S,
  args: Readonly<Record<string, string>> | string,
): z.output<S> {
  const checked = checkParams(schema, args);
  if (checked.ok) return checked.value;
  throw new ValidationError(checked.reason);
}

/** Adds what a parameter means in front of its rule, for the API reference (OpenAPI). */
export function about<T extends z.ZodType>(schema: T, meaning: string): T {
  // A rule ending in a transform (integerString) keeps its description on the checked input.
  const input = schema instanceof z.ZodPipe ? (schema.in as z.ZodType) : undefined;
  const rule = schema.meta()?.description ?? input?.meta()?.description;
  return schema.meta({ description: rule ? `${meaning} Rule: ${rule}` : meaning }) as T;
}
