// WHM API 1 listaccts: every account as {user, domain}, sorted by user, or those its search
// finds (search, searchtype, searchmethod); accepts the generic list arguments.
import { z } from 'zod';
import { accountMatcher, accountSearchParams } from '../../accounts/account-search.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'listaccts',
    summary:
      'Lists every account as data.acct = [{user, domain}], sorted by user; with search and searchtype, the accounts whose field matches.',
    tag: 'Accounts',
    // The API reference states the one rule between two parameters (accountMatcher checks it).
    params: z.object(accountSearchParams).meta({ dependentRequired: { search: ['searchtype'] } }),
    list: { key: 'acct', fields: ['user', 'domain'] },
  },
  async (params, { store }) => {
    const matches = accountMatcher(params);
    const accounts = await store.listAccounts();
    const acct = accounts
      .map(({ user, domain }) => ({ user, domain }))
      .filter((account) => !matches || matches(account))
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    return { data: { acct } };
  },
);
