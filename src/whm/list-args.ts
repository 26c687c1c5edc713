// WHM API 1 list arguments (SPEC §2): columns, filter, sort and chunk, applied in that order to
// a list function's record array. Parsed and checked before the function runs (after the
// account check), so a malformed argument costs no read of the records and always gets a reason
// naming it.
import { quote, ValidationError } from '../errors.ts';
import { integerString, parseParams, q } from '../rules.ts';
import type { WhmArgs } from './args.ts';
import {
  compareKeys,
  FILTER_TYPES,
  type FilterType,
  fieldText,
  filterPredicate,
  isFilterType,
  numericFilter,
  parseNumber,
  SORT_METHODS,
  type SortMethod,
  sortKey,
  sortMethod,
  unlimitedFilter,
} from './list-compare.ts';

/** Where a list function's records are (`data[key]`) and the fields each record has. */
export interface ListSpec {
  key: string;
  fields: readonly string[];
}

interface FilterStep {
  id: string;
  field: string;
  type: FilterType;
  arg0: string;
  test: (value: string) => boolean;
}

interface ChunkStep {
  size: number;
  start: number;
  select: number | undefined;
  verbose: boolean;
}

interface SortStep {
  id: string;
  field: string;
  method: SortMethod;
  reverse: boolean;
}

export interface ListPlan {
  columns?: string[];
  filter?: { steps: FilterStep[]; verbose: boolean };
  sort?: { steps: SortStep[]; verbose: boolean };
  chunk?: ChunkStep;
}

export const DEFAULT_CHUNK_SIZE = 100;
/** Ids are a, b, … z, then za, zb, … (how @cpanel/api numbers them past 26). */
const ID = /^[a-z]+$/;
/** Names WHM keeps for itself in every list argument family, never ids (its Data::Utils). */
const RESERVED_IDS = ['enable', 'verbose', 'filter', 'filtered'];

/** A present argument (the same sentence as rules.ts `str`; argument values are strings). */
function required(name: string, value: string | undefined): string {
  if (value === undefined) throw new ValidationError(`${q(name)} is required.`);
  return value;
}

// Built once: building a zod schema costs more than a whole list request.
const CHUNK_RULES = {
  'api.chunk.size': integerString('api.chunk.size', 1),
  'api.chunk.start': integerString('api.chunk.start'),
  'api.chunk.select': integerString('api.chunk.select', 1),
};

function chunkNumber(args: WhmArgs, name: keyof typeof CHUNK_RULES): number | undefined {
  let value = args[name];
  if (value === undefined) return undefined;
  // A start of any length is a start: one past the end, or at most 0, means record 1 (SPEC §2).
  if (name === 'api.chunk.start' && /^-?\d{16,}$/.test(value)) {
    const negative = value.startsWith('-');
    const digits = value.replace(/^-?0*/, '');
    if (digits.length > 15) return negative ? 0 : Number.POSITIVE_INFINITY;
    value = `${negative ? '-' : ''}${digits || '0'}`;
  }
  return Number(parseParams(CHUNK_RULES[name], value));
}

function enabled(args: WhmArgs, name: string): boolean {
  const value = args[name];
  if (value === undefined || value === '0') return false;
  if (value === '1') return true;
  throw new ValidationError(`${q(name)} must be 0 or 1.`);
}

/** Per id, in id order: the sub-arguments (for columns, the single value under "value"). */
type Grouped = [string, Record<string, string>][];

function notAListArgument(key: string, ns: string, top: string[], subs: string[] | null) {
  const prefix = `api.${ns}.`;
  const perId = (subs ?? ['']).map((s) => `${prefix}ID${s && `.${s}`}`);
  const known = [...top.map((t) => `${prefix}${t}`), ...perId].join(', ');
  return new ValidationError(
    `${q(key)} is not a WHM list argument; the ${ns} arguments are ${known}${perId.length > 0 ? ' (ID: a, b, c, …)' : ''}.`,
  );
}

/**
 * Sorts out `api.NS.*` into `api.NS.ID.SUB` (or `api.NS.ID` when `subs` is null), refusing any
 * name that is neither that nor one of the `top` names (enable, verbose, …).
 */
function group(args: WhmArgs, ns: string, top: string[], subs: string[] | null): Grouped {
  const prefix = `api.${ns}.`;
  const byId = new Map<string, Record<string, string>>();
  // for…in rather than Object.entries: no [key, value] array per argument. WHM argument
  // records have no inherited keys (parseWhmArgs makes them without a prototype).
  for (const key in args) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (top.includes(rest)) continue;
    const dot = rest.indexOf('.');
    const id = subs ? rest.slice(0, dot) : rest;
    const sub = subs ? rest.slice(dot + 1) : 'value';
    if ((subs && (dot < 0 || !subs.includes(sub))) || (!subs && dot >= 0)) {
      throw notAListArgument(key, ns, top, subs);
    }
    if (!ID.test(id)) {
      throw new ValidationError(
        `${q(key)} has the id ${quote(id)}; list argument ids are lowercase letters (a, b, c, …).`,
      );
    }
    if (RESERVED_IDS.includes(id)) {
      throw new ValidationError(
        `${q(key)} has the id ${quote(id)}, which WHM reserves; use another (a, b, c, …).`,
      );
    }
    const entry = byId.get(id) ?? {};
    entry[sub] = args[key] as string;
    byId.set(id, entry);
  }
  if (byId.size === 0) return [];
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function noneGiven(ns: string, what: string, example: string): ValidationError {
  return new ValidationError(
    `${q(`api.${ns}.enable`)} is 1 but no ${what} was given; send at least ${quote(example)}.`,
  );
}

function checkField(name: string, field: string, fields: readonly string[], star: boolean) {
  if (fields.includes(field) || (star && field === '*')) return;
  const choices = fields.map((f) => `“${f}”`).join(', ');
  throw new ValidationError(
    `${q(name)} must name a field of the records (${choices})${star ? ' or be “*” for any field' : ''}; there is no field ${quote(field)}.`,
  );
}

function parseColumns(args: WhmArgs, fields: readonly string[]): string[] | undefined {
  if (!enabled(args, 'api.columns.enable')) return undefined;
  const ids = group(args, 'columns', ['enable'], null);
  if (ids.length === 0)
    throw noneGiven('columns', 'column', `api.columns.a=${fields[0] ?? 'FIELD'}`);
  const columns: string[] = [];
  for (const [id, { value = '' }] of ids) {
    checkField(`api.columns.${id}`, value, fields, false);
    if (!columns.includes(value)) columns.push(value);
  }
  return columns;
}

function parseFilter(args: WhmArgs, fields: readonly string[]): ListPlan['filter'] {
  if (!enabled(args, 'api.filter.enable')) return undefined;
  const ids = group(args, 'filter', ['enable', 'verbose'], ['field', 'type', 'arg0']);
  if (ids.length === 0)
    throw noneGiven('filter', 'filter', `api.filter.a.field=${fields[0] ?? 'FIELD'}`);
  const steps = ids.map(([id, given]): FilterStep => {
    const name = (sub: string) => `api.filter.${id}.${sub}`;
    const field = required(name('field'), given.field);
    checkField(name('field'), field, fields, true);
    const type = given.type ?? 'contains';
    if (!isFilterType(type)) {
      throw new ValidationError(
        `${q(name('type'))} must be one of ${FILTER_TYPES.join(', ')} (got ${quote(type)}).`,
      );
    }
    const arg0 = required(name('arg0'), given.arg0);
    if (numericFilter(type) && parseNumber(arg0, unlimitedFilter(type)) === undefined) {
      const kind = unlimitedFilter(type) ? 'a number or “unlimited”' : 'a number';
      throw new ValidationError(
        `${q(name('arg0'))} must be ${kind} for the ${quote(type)} filter type (got ${quote(arg0)}).`,
      );
    }
    return { id, field, type, arg0, test: filterPredicate(type, arg0) };
  });
  return { steps, verbose: enabled(args, 'api.filter.verbose') };
}

function parseSort(args: WhmArgs, fields: readonly string[]): ListPlan['sort'] {
  if (!enabled(args, 'api.sort.enable')) return undefined;
  const ids = group(args, 'sort', ['enable', 'verbose'], ['field', 'method', 'reverse']);
  if (ids.length === 0)
    throw noneGiven('sort', 'sort key', `api.sort.a.field=${fields[0] ?? 'FIELD'}`);
  const steps = ids.map(([id, given]): SortStep => {
    const name = (sub: string) => `api.sort.${id}.${sub}`;
    const field = required(name('field'), given.field);
    checkField(name('field'), field, fields, false);
    const method = sortMethod(given.method ?? 'lexicographic');
    if (!method) {
      throw new ValidationError(
        `${q(name('method'))} must be one of ${SORT_METHODS.join(', ')} (got ${quote(given.method ?? '')}).`,
      );
    }
    return { id, field, method, reverse: enabled(args, name('reverse')) };
  });
  return { steps, verbose: enabled(args, 'api.sort.verbose') };
}

function parseChunk(args: WhmArgs): ChunkStep | undefined {
  if (!enabled(args, 'api.chunk.enable')) return undefined;
  group(args, 'chunk', ['enable', 'size', 'start', 'select', 'verbose'], []);
  return {
    size: chunkNumber(args, 'api.chunk.size') ?? DEFAULT_CHUNK_SIZE,
    // Any integer: @cpanel/api asks for "all pages" with start=-1, which starts at record 1.
    start: chunkNumber(args, 'api.chunk.start') ?? 1,
    select: chunkNumber(args, 'api.chunk.select'),
    verbose: enabled(args, 'api.chunk.verbose'),
  };
}

/** The list arguments of a call, checked against the function's fields; undefined when none. */
export function parseListArgs(args: WhmArgs, spec: ListSpec): ListPlan | undefined {
  const plan: ListPlan = {};
  const columns = parseColumns(args, spec.fields);
  const fields = columns ?? spec.fields;
  const filter = parseFilter(args, fields);
  const sort = parseSort(args, fields);
  const chunk = parseChunk(args);
  if (columns) plan.columns = columns;
  if (filter) plan.filter = filter;
  if (sort) plan.sort = sort;
  if (chunk) plan.chunk = chunk;
  return columns || filter || sort || chunk ? plan : undefined;
}

type Row = Record<string, unknown>;

function matches(step: FilterStep, row: Row, fields: readonly string[]): boolean {
  if (step.field === '*') return fields.some((f) => step.test(fieldText(row[f])));
  return step.test(fieldText(row[step.field]));
}

function sortRows(rows: Row[], steps: SortStep[]): Row[] {
  const decorated = rows.map((row, index) => ({
    row,
    index,
    keys: steps.map((s) => {
      const text = fieldText(row[s.field]);
      return { key: sortKey(s.method, text), text };
    }),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < steps.length; i++) {
      const ka = a.keys[i];
      const kb = b.keys[i];
      if (!ka || !kb) continue;
      const c = compareKeys(ka.key, kb.key, ka.text, kb.text);
      if (c !== 0) return steps[i]?.reverse ? -c : c;
    }
    return a.index - b.index;
  });
  return decorated.map((d) => d.row);
}

/** Applies the plan to `data[spec.key]`; returns the new data and the metadata to add. */
export function applyListPlan(
  plan: ListPlan,
  spec: ListSpec,
  data: unknown,
): { data: Record<string, unknown>; metadata: Record<string, unknown> } {
  const holder = data as Record<string, unknown> | undefined;
  const list = holder?.[spec.key];
  if (!Array.isArray(list)) throw new Error(`the list function returned no data.${spec.key} array`);
  const metadata: Record<string, unknown> = {};
  let rows = list as Row[];
  let fields = spec.fields;
  if (plan.columns) {
    const columns = plan.columns;
    fields = columns;
    rows = rows.map((row) => {
      const kept: Row = {};
      for (const c of columns) if (row[c] !== undefined) kept[c] = row[c];
      return kept;
    });
  }
  if (plan.filter) {
    const { steps, verbose } = plan.filter;
    const before = rows.length;
    rows = rows.filter((row) => steps.every((step) => matches(step, row, fields)));
    if (verbose) {
      const filter: Record<string, unknown> = {};
      for (const { id, field, type, arg0 } of steps) filter[id] = { field, type, arg0, valid: 1 };
      filter.filtered = before;
      metadata.filter = filter;
    }
  }
  if (plan.sort) {
    const { steps, verbose } = plan.sort;
    rows = sortRows(rows, steps);
    if (verbose) {
      const sort: Record<string, unknown> = {};
      for (const { id, field, method, reverse } of steps) {
        sort[id] = { field, method, reverse: reverse ? 1 : 0 };
      }
      metadata.sort = sort;
    }
  }
  if (plan.chunk) {
    const { size, select, verbose } = plan.chunk;
    const records = rows.length;
    let start = select === undefined ? plan.chunk.start : (select - 1) * size + 1;
    if (start <= 0 || start > records) start = 1;
    rows = rows.slice(start - 1, start - 1 + size);
    if (verbose) {
      // As cPanel counts them: an empty list has no chunk, and its page is still the first.
      const current = Math.floor((start - 1) / size) + 1;
      const chunks = Math.ceil(records / size);
      metadata.chunk = { start, size, records, current, chunks };
    }
  }
  return { data: { ...holder, [spec.key]: rows }, metadata };
}
