// listaccts' own search (WHM API 1: `search`, `searchtype`, `searchmethod`), which billing
// systems use to fetch one account. A regular expression runs on RE2 (re2js): its time is
// linear in the text, so no pattern can hold the server, and its syntax is Perl's without
// backreferences or lookaround.
import { RE2JS } from 're2js';
import { quote, ValidationError } from '../errors.ts';
import { about, q, ruled, text } from '../rules.ts';

/** What a search can look at; every account here is owned by root (no resellers). */
export const SEARCH_TYPES = ['user', 'domain', 'owner'] as const;
export const SEARCH_METHODS = ['regex', 'exact'] as const;
const OWNER = 'root';

const oneOf = (name: string, values: readonly string[], extra = '') =>
  ruled(name, [
    [(v) => values.includes(v), `${q(name)} must be one of ${values.join(', ')}${extra}.`],
  ]).meta({ description: `One of ${values.join(', ')}.`, enum: [...values] });

export const accountSearchParams = {
  search: about(
    text('search', 256),
    'What to look for in the `searchtype` field: a regular expression (RE2: Perl syntax without backreferences or lookaround), or the whole value with searchmethod=exact.',
  )
    .meta({ examples: ['^alice$'] })
    .optional(),
  searchtype: about(
    oneOf('searchtype', SEARCH_TYPES, '; linkbroker’s accounts have no ip or package'),
    'The field `search` looks in; required with `search`.',
  ).optional(),
  searchmethod: about(
    oneOf('searchmethod', SEARCH_METHODS),
    'regex (default): `search` is a regular expression found anywhere in the field; exact: the field equals `search` (a domain ignoring case).',
  ).optional(),
};

/** The search arguments as accountSearchParams checked them (a type and method of the lists). */
export interface AccountSearch {
  search?: string | undefined;
  searchtype?: string | undefined;
  searchmethod?: string | undefined;
}

type Searchable = { user: string; domain: string };

/** A predicate for the accounts the search keeps; undefined when there is no search. */
export function accountMatcher(params: AccountSearch): ((a: Searchable) => boolean) | undefined {
  const { search, searchtype, searchmethod = 'regex' } = params;
  if (search === undefined) return undefined;
  if (searchtype === undefined) {
    throw new ValidationError(
      `${q('searchtype')} is required with “search”: send searchtype=user, domain or owner.`,
    );
  }
  const field = (a: Searchable) =>
    searchtype === 'owner' ? OWNER : searchtype === 'user' ? a.user : a.domain;
  if (searchmethod === 'exact') {
    if (searchtype !== 'domain') return (a) => field(a) === search;
    const wanted = search.toLowerCase();
    return (a) => field(a).toLowerCase() === wanted;
  }
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(search);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `${q('search')} is not a regular expression RE2 can read (${quote(why)}); send searchmethod=exact to match the whole value as written.`,
    );
  }
  return (a) => pattern.matcher(field(a)).find();
}
