// WHM API 1 createacct (minimal subset): an account is a username and its main domain.
import { createAccount, createAccountParams } from '../../accounts/accounts.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'createacct',
    summary:
      'Creates an account (minimal subset of WHM’s createacct: a username and its main domain).',
    tag: 'Accounts',
    params: createAccountParams,
  },
  async (params, { store, now }) => {
    const account = await createAccount(store, params, now);
    return { data: { user: account.user, domain: account.domain } };
  },
);
