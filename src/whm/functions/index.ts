// Every WHM API 1 function this server implements, by name (one module each, sorted by name).
import type { WhmFunction, WhmFunctions } from '../registry.ts';
import cpanel from './cpanel.ts';
import createIntegrationGroup from './create-integration-group.ts';
import createIntegrationLink from './create-integration-link.ts';
import createUserSession from './create-user-session.ts';
import createacct from './createacct.ts';
import getIntegrationLinkUserConfig from './get-integration-link-user-config.ts';
import getUsersLinks from './get-users-links.ts';
import listIntegrationGroups from './list-integration-groups.ts';
import listIntegrationLinks from './list-integration-links.ts';
import listaccts from './listaccts.ts';
import removeIntegrationGroup from './remove-integration-group.ts';
import removeIntegrationLink from './remove-integration-link.ts';
import removeacct from './removeacct.ts';
import updateIntegrationLinkToken from './update-integration-link-token.ts';

const all: WhmFunction[] = [
  cpanel,
  createIntegrationGroup,
  createIntegrationLink,
  createUserSession,
  createacct,
  getIntegrationLinkUserConfig,
  getUsersLinks,
  listIntegrationGroups,
  listIntegrationLinks,
  listaccts,
  removeIntegrationGroup,
  removeIntegrationLink,
  removeacct,
  updateIntegrationLinkToken,
];

export const whmFunctions: WhmFunctions = new Map(all.map((fn) => [fn.name, fn]));
