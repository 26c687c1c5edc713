// Every WHM API 1 function this server implements, by name.
import type { WhmFunction, WhmFunctions } from '../registry.ts';
import cpanel from './cpanel.ts';
import createIntegrationLink from './create-integration-link.ts';
import createacct from './createacct.ts';
import listaccts from './listaccts.ts';
import removeacct from './removeacct.ts';

const all: WhmFunction[] = [createacct, removeacct, listaccts, createIntegrationLink, cpanel];

export const whmFunctions: WhmFunctions = new Map(all.map((fn) => [fn.name, fn]));
