// A TypeScript file run in a child process (bin/run-ts.js), for tests that need a second process
// on one data dir: its stdout lines can be awaited, its stdin written.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TsChild {
  /** Resolves when the child has printed `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  /** Its stdin, e.g. to say "go" or to end a loop by closing it. */
  stdin: NodeJS.WritableStream;
  /** Resolves when it has exited, with its output (stdout read to the end). */
  exited: Promise<{ code: number | null; lines: string[]; stderr: string }>;
  kill(): void;
}

export function spawnTs(file: string, args: string[]): TsChild {
  const child = spawn(process.execPath, ['bin/run-ts.js', file, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, lines, stderr })),
  );
  return {
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ line, resolve });
            void exited.then(() =>
              reject(new Error(`${file} exited before printing ${line}: ${stderr}`)),
            );
          }),
    stdin: child.stdin,
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}
