// WHM API 1 listaccts: every account as {user, domain}, sorted by user; accepts the generic list
// arguments.
import { z } from 'zod';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'listaccts',
    summary: 'Lists every account as data.acct = [{user, domain}], sorted by user.',
    tag: 'Accounts',
    params: z.object({}),
    list: { key: 'acct', fields: ['user', 'domain'] },
  },
  async (_params, { store }) => {
    const accounts = await store.listAccounts();
    const acct = accounts
      .map(({ user, domain }) => ({ user, domain }))
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    return { data: { acct } };
  },
);
