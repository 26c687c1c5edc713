// `linkbroker demo` (what `npm start` runs): the server on ./data plus the bundled mock partner,
// and a `demo` account whose links show every path of the broker. Safe to run again.
import { startMockPartner } from '../../mock-partner/index.ts';
import { createLogger } from '../log.ts';
import { startServer } from '../server.ts';
import { whmFunctions } from '../whm/functions/index.ts';
import { answerSucceeded, runWhmFunction } from '../whm/registry.ts';
import { configOrExit, printBanner, untilSignal } from './serve.ts';

export async function runDemo(_argv: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 1;
  const logger = createLogger();
  const partner = await startMockPartner({ port: 0 });
  const running = await startServer(config, logger);
  const deps = running.runtime.deps;
  const run = (name: string, args: Record<string, string>) =>
    runWhmFunction(whmFunctions, deps, name, args);

  if (!(await deps.store.getAccount('demo'))) {
    await run('createacct', { username: 'demo', domain: 'demo.example.com' });
  }
  const autologin = `${partner.url}/autologin`;
  const links: Record<string, string>[] = [
    { app: 'billing', implements: 'billing', label: 'Billing', autologin_token_url: autologin },
    {
      app: 'upgrade',
      implements: 'upgrade',
      label: 'Upgrade your plan',
      autologin_token_url: `${autologin}?scenario=retry&times=1&retry=3`,
      url: `${partner.url}/`,
    },
    {
      app: 'support',
      implements: 'support',
      label: 'Support desk',
      autologin_token_url: `${autologin}?scenario=status&code=500`,
      url: `${partner.url}/`,
      group_id: 'software',
    },
    {
      app: 'status',
      implements: 'status',
      label: 'Service status',
      url: `${partner.url}/`,
      group_id: 'metrics',
    },
  ];
  for (const link of links) {
    const envelope = await run('create_integration_link', {
      user: 'demo',
      token: `demo-token-${link.app}`,
      subscriber_unique_id: '1001',
      ...link,
    });
    if (!answerSucceeded(envelope)) logger.warn('demo link not created', { answer: envelope });
  }

  printBanner(running);
  console.log(`  mock partner: ${partner.url}/`);
  console.log('  demo account: demo (4 links)');
  await untilSignal();
  await running.close();
  await partner.close();
  return 0;
}
