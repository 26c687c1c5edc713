// `linkbroker mock-partner [--port N] [--host H] [--subscriber ID=TOKEN…]`: runs the mock partner
// in the foreground, printing one line per request (never the token) until SIGINT or SIGTERM.
import { type RunningMockPartner, startMockPartner } from './index.ts';
import { maskCodePath, type RecordedRequest } from './request-log.ts';

export interface MockPartnerCliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the partner should stop (default: the first SIGINT or SIGTERM). */
  waitForStop(): Promise<void>;
}

const USAGE = `usage: linkbroker mock-partner [--port N] [--host H] [--subscriber ID=TOKEN]…

  --port N               port to listen on (default 4000; 0 picks a free one)
  --host H               address to bind (default 127.0.0.1)
  --subscriber ID=TOKEN  accept only TOKEN for subscriber ID (repeatable); without any,
                         every non-empty token not beginning with "wrong-" is accepted`;

const FLAGS = new Set(['--port', '--host', '--subscriber']);

interface CliOptions {
  port: number;
  host: string;
  subscribers: Map<string, string> | undefined;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const processIo: MockPartnerCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  waitForStop: untilSignal,
};

/** The options, or a sentence saying which argument is wrong (`help` for --help). */
function parseArgs(argv: readonly string[]): CliOptions | string {
  const options: CliOptions = { port: 4000, host: '127.0.0.1', subscribers: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.startsWith('--') ? splitOnce(arg) : [arg, undefined];
    if (!FLAGS.has(flag)) return `unknown argument “${arg}”.`;
    const value = inline ?? argv[++i];
    if (value === undefined) return `${flag} needs a value.`;
    if (flag === '--port') {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) return `--port must be a number from 0 to 65535.`;
      options.port = port;
    } else if (flag === '--host') {
      options.host = value;
    } else {
      const [id, token] = splitOnce(value);
      if (!id || !token) return '--subscriber must look like ID=TOKEN.';
      options.subscribers ??= new Map();
      options.subscribers.set(id, token);
    }
  }
  return options;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** One log line per request: what a partner developer wants to see, without the token. */
function describe(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const { user, app, attempt, subscriber_unique_id: subscriber } = request.body;
  const fields = Object.entries({ user, app, subscriber, attempt })
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const line = [
    new Date(request.time).toISOString(),
    request.method,
    maskCodePath(request.path) + (query ? `?${query}` : ''),
  ];
  return [...line, ...fields].join(' ');
}

export async function runMockPartner(
  argv: string[],
  io: MockPartnerCliIo = processIo,
): Promise<number> {
  const options = parseArgs(argv);
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (typeof options === 'string') {
    io.err(`linkbroker mock-partner: ${options}\n\n${USAGE}`);
    return 2;
  }

  let partner: RunningMockPartner;
  try {
    partner = await startMockPartner({
      port: options.port,
      host: options.host,
      ...(options.subscribers ? { subscribers: options.subscribers } : {}),
      onRequest: (request) => io.out(describe(request)),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.err(`linkbroker mock-partner: cannot listen on ${options.host}:${options.port}: ${reason}`);
    return 1;
  }

  io.out(`Mock partner (Mock Billing) listening on ${partner.url}`);
  io.out(`  autologin_token_url: ${partner.autologinUrl()}`);
  io.out(
    `  with a fault:        ${partner.autologinUrl({ scenario: 'retry', times: 2, retry: 1 })}`,
  );
  io.out(`  scenarios and help:  ${partner.url}/`);
  io.out(`  received requests:   ${partner.url}/_requests`);
  io.out('Press Ctrl+C to stop.');
  await io.waitForStop();
  await partner.close();
  return 0;
}
