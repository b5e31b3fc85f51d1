/** Test helpers of the live tests: whether they can run here, and a module script run in a child Node process. */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Live tests need root (network namespaces). */
export const isRoot: boolean = process.getuid?.() === 0;

/** Called at the top of a live test file: under `CI=true` without root it throws, so live tests skip only outside CI. */
export function requireRootInCI(): void {
  if (!isRoot && process.env['CI'] === 'true') throw new Error('live tests must run as root under CI=true; they skip only outside CI');
}

/** What a child run left behind. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  errors: string;
  /** `Date.now()` when the exit was seen. */
  exitedAt: number;
}

/**
 * Runs ES module source `script` in a child `node` (package sources through
 * tsx) from the repository root, with `env` added to the environment;
 * killed after `killAfterMs`.
 */
export async function runChild(script: string, env: Record<string, string>, killAfterMs: number): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--conditions=@nlkit/source', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errors = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (errors += b.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
  const exitedAt = Date.now();
  clearTimeout(killer);
  return { code, signal, out, errors, exitedAt };
}
