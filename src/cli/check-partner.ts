// `linkbroker check-partner`: runs the broker's protocol against a partner's autologin endpoint
// (broker/conformance.ts) and prints the report, aligned for people or as JSON for CI.
import { parseArgs } from 'node:util';
import {
  type CheckResult,
  type ConformanceReport,
  checkPartner,
  type ForwardedLinkFields,
  maskToken,
  type PartnerCheckInput,
  type Verdict,
} from '../broker/conformance.ts';
import { checkHttpUrl } from '../broker/redirect-url.ts';
import { shownArgument } from './argv.ts';

export interface CheckPartnerIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour the verdicts (only on a terminal that supports it). */
  color: boolean;
}

const USAGE = `usage: linkbroker check-partner --url URL --user U --app A --token T --subscriber S [options]

Sends exactly the POST the broker sends to URL (the link's autologin_token_url), follows the
retry protocol, opens the returned redirect_url twice and tries a wrong token; prints a report.
Exit code: 0 when every check passes (warnings allowed), 1 when one fails, 2 on bad usage.

  --url URL            the partner's autologin_token_url
  --user U             the cPanel user name sent as "user"
  --app A              the link's app name sent as "app"
  --token T            the link's token (never printed; shown masked)
  --subscriber S       sent as "subscriber_unique_id"
  --label L, --implements I, --fallback-url URL, --group-id G, --order N, --hide 0|1
                       link fields the broker forwards when the link has them
  --fast               do not wait when the partner asks to retry (the waits are still reported)
  --timeout-ms N       per-attempt limit, connect to end of body (default 10000, the broker's)
  --json               print the report as JSON (for CI)`;

const OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  app: { type: 'string' },
  token: { type: 'string' },
  subscriber: { type: 'string' },
  label: { type: 'string' },
  implements: { type: 'string' },
  'fallback-url': { type: 'string' },
  'group-id': { type: 'string' },
  order: { type: 'string' },
  hide: { type: 'string' },
  'timeout-ms': { type: 'string' },
  fast: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const REQUIRED = ['url', 'user', 'app', 'token', 'subscriber'] as const;

/** Whether an argument names one of OPTIONS (`--name`, `--name=value` or `-h`). */
function knownOption(arg: string): boolean {
  const name = arg.split('=')[0] ?? '';
  if (name === '-h' || name === '--') return true;
  return name.startsWith('--') && Object.hasOwn(OPTIONS, name.slice(2));
}

interface Parsed {
  input: PartnerCheckInput;
  timeoutMs: number;
  json: boolean;
}

const processIo: CheckPartnerIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: process.stdout.isTTY === true && process.stdout.hasColors(),
};

export async function runCheckPartner(
  argv: string[],
  io: CheckPartnerIo = processIo,
): Promise<number> {
  const parsed = parse(argv);
  if (parsed === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    io.err(`linkbroker check-partner: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const report = await checkPartner(parsed.input, { timeoutMs: parsed.timeoutMs });
  io.out(
    parsed.json ? JSON.stringify(report, null, 2) : renderReport(report, parsed.input, io.color),
  );
  return report.ok ? 0 : 1;
}

function readArgs(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
}

/** The options, `help`, or a sentence saying what is wrong. */
function parse(argv: string[]): Parsed | 'help' | string {
  let values: ReturnType<typeof readArgs>['values'];
  try {
    values = readArgs(argv).values;
  } catch (error) {
    // Node's messages quote a stray argument, which may be the rest of a token a space cut.
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      return 'unexpected argument: every value follows its option (quote a value that has spaces).';
    }
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const index = argv.findIndex((arg) => arg.startsWith('-') && !knownOption(arg));
      return `unknown option ${shownArgument(argv[index] ?? '', index + 1)} (see --help).`;
    }
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help) return 'help';
  const missing = REQUIRED.filter((name) => !values[name]);
  if (missing.length > 0) return `missing ${missing.map((name) => `--${name}`).join(', ')}.`;
  const url = values.url ?? '';
  const urlProblem = checkHttpUrl(url);
  if (urlProblem) return `--url ${urlProblem}.`;
  const fallback = values['fallback-url'];
  const fallbackProblem = fallback === undefined ? undefined : checkHttpUrl(fallback);
  if (fallbackProblem) return `--fallback-url ${fallbackProblem}.`;
  if (values.order !== undefined && !/^-?\d+$/.test(values.order)) {
    return '--order must be an integer.';
  }
  if (values.hide !== undefined && values.hide !== '0' && values.hide !== '1') {
    return '--hide must be 0 or 1.';
  }
  let timeoutMs = 10_000;
  const timeout = values['timeout-ms'];
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!/^\d+$/.test(timeout) || timeoutMs < 1 || timeoutMs > 60_000) {
      return '--timeout-ms must be a whole number from 1 to 60000.';
    }
  }
  const link: ForwardedLinkFields = {};
  if (fallback !== undefined) link.url = fallback;
  if (values.label !== undefined) link.label = values.label;
  if (values.implements !== undefined) link.implements = values.implements;
  if (values['group-id'] !== undefined) link.group_id = values['group-id'];
  if (values.order !== undefined) link.order = values.order;
  if (values.hide !== undefined) link.hide = values.hide;
  return {
    input: {
      url,
      user: values.user ?? '',
      app: values.app ?? '',
      token: values.token ?? '',
      subscriber: values.subscriber ?? '',
      link,
      fast: values.fast ?? false,
    },
    timeoutMs,
    json: values.json ?? false,
  };
}

const LABELS: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };
const COLORS: Record<Verdict, string> = { pass: '32', warn: '33', fail: '31', skip: '2' };
/** Display names of the request headers, in the order sent. */
const HEADER_NAMES: Record<string, string> = {
  'content-type': 'Content-Type',
  accept: 'Accept',
  'accept-encoding': 'Accept-Encoding',
  'user-agent': 'User-Agent',
};

/** The human report: request, attempts, one line per check (with a hint when it matters). */
export function renderReport(
  report: ConformanceReport,
  input: Pick<PartnerCheckInput, 'user' | 'app' | 'subscriber' | 'token'>,
  color = false,
): string {
  const paint = (verdict: Verdict, text: string) =>
    color ? `\u001b[${COLORS[verdict]}m${text}\u001b[0m` : text;
  const lines: string[] = [
    `check-partner ${report.url}`,
    `  user ${input.user} · app ${input.app} · subscriber ${input.subscriber} · token ${maskToken(input.token)}`,
    `  limits: ${report.timeoutMs} ms per attempt, 64 KiB body, no redirects followed${report.fast ? ' · --fast: partner waits not honoured' : ''}`,
    '',
  ];

  lines.push('Request (what the broker POSTs, attempt 1)');
  if (report.request) {
    const { headers, fields } = report.request;
    const rows: [string, string][] = [
      ...Object.entries(headers).map(([k, v]): [string, string] => [HEADER_NAMES[k] ?? k, v]),
      ...Object.entries(fields).map(([k, v]): [string, string] => [k, JSON.stringify(v)]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    lines.push(`  POST ${report.request.url}`);
    for (const [key, value] of rows) lines.push(`  ${key.padEnd(width)}  ${value}`);
  } else {
    lines.push('  nothing sent');
  }
  lines.push('');

  lines.push('Attempts');
  if (report.attempts.length === 0) lines.push('  none');
  for (const a of report.attempts) {
    const status =
      a.status === undefined
        ? `no answer (${a.transportError})`
        : a.transportError === undefined
          ? `HTTP ${a.status}`
          : `HTTP ${a.status}, then ${a.transportError}`;
    const body =
      a.bodyBytes === undefined
        ? ''
        : `${a.bodyBytes} B ${a.body === 'object' ? `{${(a.keys ?? []).join(', ')}}` : a.body}`;
    const verdict =
      a.answer === 'destination'
        ? `→ redirect_url ${a.redirectUrl}`
        : a.answer === 'retry'
          ? `→ retry ${a.retry}: wait ${(a.waitAskedMs ?? 0) / 1000} s${a.waitedMs === undefined ? ' (not waited)' : a.waitedMs === 0 && (a.waitAskedMs ?? 0) > 0 ? ' (skipped: --fast)' : ''}`
          : `→ ${a.answer}: ${a.detail}`;
    lines.push(
      `  #${a.attempt}  ${status.padEnd(8)}  ${`${a.latencyMs} ms`.padStart(8)}  ${body.padEnd(24)}  ${verdict}`,
    );
  }
  lines.push('');

  lines.push('Checks');
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const check of report.checks) lines.push(...renderCheck(check, width, paint));
  lines.push('');

  const { pass, warn, fail, skip } = report.counts;
  const result = report.ok ? paint('pass', 'PASS') : paint('fail', 'FAIL');
  lines.push(
    `Result: ${result} — ${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed, ${skip} skipped (${report.durationMs} ms)`,
  );
  return lines.join('\n');
}

function renderCheck(
  check: CheckResult,
  width: number,
  paint: (verdict: Verdict, text: string) => string,
): string[] {
  const indent = ' '.repeat(width + 10);
  const lines = [
    `  ${paint(check.verdict, LABELS[check.verdict])}  ${check.id.padEnd(width)}  ${check.summary}`,
  ];
  for (const detail of check.details ?? []) lines.push(`${indent}${detail}`);
  if (check.hint && (check.verdict === 'fail' || check.verdict === 'warn')) {
    lines.push(`${indent}hint: ${check.hint}`);
  }
  return lines;
}
