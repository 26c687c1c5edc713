// WHM API 1 listaccts: every account as {user, domain}, sorted by user; accepts the generic list
// arguments.
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  'listaccts',
  async (_args, { store }) => {
    const accounts = await store.listAccounts();
    const acct = accounts
      .map(({ user, domain }) => ({ user, domain }))
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    return { data: { acct } };
  },
  { key: 'acct', fields: ['user', 'domain'] },
);
