// WHM API 1 removeacct: removes the account with all its links and groups.
import { removeAccount } from '../../accounts/accounts.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('removeacct', async (args, { store }) => {
  await removeAccount(store, args.user ?? args.username);
  return {};
});
