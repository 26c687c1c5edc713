// Opens the partner's sign-in URL as a browser would, twice, on its own short-lived agent:
// the first GET must sign in, the second must be refused.

import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { clip, maskUrl } from './conformance-text.ts';
import { MAX_BODY_BYTES, USER_AGENT } from './partner-client.ts';

export type ProbeAnswer = { kind: 'answer'; status: number; location?: string; latencyMs: number };
export type Probe = ProbeAnswer | { kind: 'error'; message: string; latencyMs: number };

/** GETs the sign-in URL twice, never following a redirect; once if the first is refused. */
export async function probeTwice(url: string, timeoutMs: number): Promise<[Probe, Probe?]> {
  const agent = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const first = await probe(agent, url, timeoutMs);
    if (first.kind !== 'answer' || first.status >= 400) return [first];
    return [first, await probe(agent, url, timeoutMs)];
  } finally {
    await agent.destroy();
  }
}

async function probe(agent: Agent, url: string, timeoutMs: number): Promise<Probe> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      dispatcher: agent,
      method: 'GET',
      headers: { accept: 'text/html,*/*', 'user-agent': USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump({ limit: MAX_BODY_BYTES });
    const location = response.headers.location;
    return {
      kind: 'answer',
      status: response.statusCode,
      ...(typeof location === 'string' ? { location } : {}),
      latencyMs: latency(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message: clip(message, 200), latencyMs: latency() };
  }
}

/** One line for a probe; `mask` replaces the token, which a partner could echo in Location. */
export function describeProbe(probe: ProbeAnswer, mask: (text: string) => string): string {
  const to = probe.location ? ` → ${maskUrl(mask(probe.location))}` : '';
  return `HTTP ${probe.status}${to} in ${probe.latencyMs} ms`;
}
