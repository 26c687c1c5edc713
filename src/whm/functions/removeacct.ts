// WHM API 1 removeacct: removes the account with all its links and groups, and ends its sessions.
import { removeAccount, userParams } from '../../accounts/accounts.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'removeacct',
    summary: 'Removes an account with all its links and groups, and ends its sessions.',
    tag: 'Accounts',
    params: userParams,
    // WHM's removeacct documents `username`; older callers send `user`.
    aliases: { username: 'user' },
    acceptsDamagedAccount: true,
  },
  async (params, { store, sessions }) => {
    await removeAccount(store, sessions, params);
    return {};
  },
);
