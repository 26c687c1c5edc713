// The `linkbroker` command: dispatches to one module per subcommand.

const USAGE = `usage: linkbroker <command> [options]

commands:
  serve                          start the server (admin API, pages, broker)
  demo                           start the server with the mock partner and a demo account
  whmapi1 FUNCTION [key=value…]  run a WHM API 1 function on the data dir, print the JSON
  mock-partner [--port N]        start the bundled mock partner
  check-partner --url URL …      test a partner's autologin endpoint against the protocol

configuration comes from the environment; see README.md.`;

// Loaded on demand: each command pays only for the modules it uses.
const commands: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  serve: async () => (await import('./serve.ts')).runServe,
  demo: async () => (await import('./demo.ts')).runDemo,
  whmapi1: async () => (await import('./whmapi1.ts')).runWhmapi1,
  'mock-partner': async () => (await import('../../mock-partner/cli.ts')).runMockPartner,
  'check-partner': async () => (await import('./check-partner.ts')).runCheckPartner,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // A usage error: the usage goes where errors go.
    console.error(USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    console.error(`linkbroker: unknown command “${name}”.\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}
