// WHM API 1 createacct (minimal subset): an account is a username and its main domain.
import { createAccount, createAccountParams } from '../../accounts/accounts.ts';
import { parseParams } from '../../rules.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('createacct', async (args, { store, now }) => {
  const account = await createAccount(store, parseParams(createAccountParams, args), now);
  return { data: { user: account.user, domain: account.domain } };
});
