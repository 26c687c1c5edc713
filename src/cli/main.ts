// The `linkbroker` command: dispatches to one module per subcommand.
import { runMockPartner } from '../../mock-partner/cli.ts';
import { runDemo } from './demo.ts';
import { runServe } from './serve.ts';
import { runWhmapi1 } from './whmapi1.ts';

const USAGE = `usage: linkbroker <command> [options]

commands:
  serve                          start the server (admin API, pages, broker)
  demo                           start the server with the mock partner and a demo account
  whmapi1 FUNCTION [key=value…]  run a WHM API 1 function on the data dir, print the JSON
  mock-partner [--port N]        start the bundled mock partner

configuration comes from the environment; see README.md.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  serve: runServe,
  demo: runDemo,
  whmapi1: runWhmapi1,
  'mock-partner': runMockPartner,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`linkbroker: unknown command “${name}”.\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}
