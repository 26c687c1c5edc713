// The click benchmarks' other process: `partner` runs the mock partner, `load` fires clicks at
// the server. Kept out of the benchmark's process so its CPU and RSS are the server's alone.
// Run as `node bin/run-ts.js bench/click-child.ts partner|load`; talks over the IPC channel.
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { startMockPartner } from '../mock-partner/index.ts';

/** Parent → child. */
export type ClickChildCommand =
  /** partner: report `held` once the gate holds `count` requests (or `waitMs` passed). */
  | { type: 'watch-gate'; count: number; waitMs: number }
  | { type: 'open-gate' }
  /** load: prepare `plan`; nothing is sent until `fire`. */
  | { type: 'load'; plan: LoadPlan }
  /** load: send the plan's next `count` clicks. */
  | { type: 'fire'; count: number }
  | { type: 'exit' };

/** Child → parent. */
export type ClickChildReport =
  | { type: 'ready'; url?: string }
  | { type: 'held'; count: number; ms: number }
  | { type: 'opened'; released: number }
  | { type: 'loaded'; result: LoadResult };

export interface LoadPlan {
  origin: string;
  path: string;
  headers: Record<string, string>;
  count: number;
  /** Sockets carrying one request each. */
  singleSockets: number;
  /** Sockets carrying two pipelined requests each (when fds do not allow one per click). */
  pairedSockets: number;
  /** A click answered with a location starting with this counts as the partner's. */
  partnerPrefix: string;
  /** How the location comes: a 302 (the browser's click) or fetch_url's JSON (the bridge). */
  answer: 'redirect' | 'bridge';
}

export interface LoadResult {
  answered: number;
  partnerUrls: number;
  other: number;
  failed: number;
  firstFailure?: string;
  /** Milliseconds from the first click sent to the last one answered. */
  ms: number;
}

const send = (report: ClickChildReport) => process.send?.(report);

async function runPartner(): Promise<void> {
  const partner = await startMockPartner({ port: 0, maxRecordedRequests: 16 });
  process.on('message', async (command: ClickChildCommand) => {
    switch (command.type) {
      case 'watch-gate': {
        const started = performance.now();
        while (
          partner.state.gateWaiting() < command.count &&
          performance.now() - started < command.waitMs
        ) {
          await delay(5);
        }
        send({
          type: 'held',
          count: partner.state.gateWaiting(),
          ms: Math.round(performance.now() - started),
        });
        break;
      }
      case 'open-gate':
        send({ type: 'opened', released: partner.state.openGate() });
        break;
      case 'exit':
        await partner.close();
        process.exit(0);
        break;
      default:
        break;
    }
  });
  send({ type: 'ready', url: partner.url });
}

/** A prepared run: clicks go out when the parent says `fire` (it paces them to the server). */
function prepareLoad(plan: LoadPlan) {
  const single = new Pool(plan.origin, { connections: Math.max(plan.singleSockets, 1) });
  const paired = new Pool(plan.origin, {
    connections: Math.max(plan.pairedSockets, 1),
    pipelining: 2,
  });
  const pairedClicks = plan.pairedSockets * 2;
  const result: LoadResult = { answered: 0, partnerUrls: 0, other: 0, failed: 0, ms: 0 };
  const clicks: Promise<void>[] = [];
  let started = 0;
  const click = async (i: number) => {
    try {
      const response = await (i < pairedClicks ? paired : single).request({
        path: plan.path,
        method: 'GET',
        headers: plan.headers,
        // GETs may share a socket without waiting for the previous answer's headers.
        blocking: false,
        headersTimeout: 300_000,
        bodyTimeout: 300_000,
      });
      const text = await response.body.text();
      result.answered += 1;
      let location = '';
      if (plan.answer === 'redirect') {
        if (response.statusCode === 302) location = String(response.headers.location ?? '');
      } else {
        const answer = JSON.parse(text) as {
          result?: { status?: number; data?: { redirect_url?: string } };
        };
        if (answer.result?.status === 1) location = answer.result.data?.redirect_url ?? '';
      }
      if (location.startsWith(plan.partnerPrefix)) {
        result.partnerUrls += 1;
      } else {
        result.other += 1;
        result.firstFailure ??= `${response.statusCode} ${text.slice(0, 300)}`;
      }
    } catch (error) {
      result.failed += 1;
      result.firstFailure ??=
        error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  };
  const t0 = performance.now();
  return {
    fire(count: number) {
      const end = Math.min(started + count, plan.count);
      for (; started < end; started++) clicks.push(click(started));
      if (started < plan.count) return;
      void (async () => {
        await Promise.all(clicks);
        result.ms = Math.round(performance.now() - t0);
        await Promise.all([single.destroy(), paired.destroy()]);
        send({ type: 'loaded', result });
      })();
    },
  };
}

function runLoad(): void {
  let run: ReturnType<typeof prepareLoad> | undefined;
  process.on('message', (command: ClickChildCommand) => {
    if (command.type === 'load') run = prepareLoad(command.plan);
    if (command.type === 'fire') run?.fire(command.count);
    if (command.type === 'exit') process.exit(0);
  });
  send({ type: 'ready' });
}

const role = process.argv[2];
if (role === 'partner') await runPartner();
else if (role === 'load') runLoad();
else {
  console.error('usage: click-child.ts partner|load');
  process.exit(2);
}
