/// <reference types="node" />
/**
 * Helpers of the CLI tests: run `nlkit` as `pnpm nlkit` does (node with the
 * source condition and tsx), and make throwaway namespaces.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { requireRootInCI } from '../live-env.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'packages/cli/src/main.ts';
const NODE_ARGS = ['--conditions=@nlkit/source', '--import', 'tsx', MAIN];

export { inCI, isRoot } from '../live-env.js';
requireRootInCI();

/** What a run of `nlkit` gave. */
export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `nlkit ARGS` to the end; `input` goes to its standard input. */
export function nlkit(args: readonly string[], input?: string | Uint8Array): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, maxBuffer: 256 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** Starts `nlkit ARGS` in the background. */
export function nlkitSpawn(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command, returning its stdout; throws with its stderr. */
export function sh(cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** `ip -j -n NS ARGS`, parsed. */
export function ipj(ns: string, ...args: string[]): any[] {
  const out = sh('ip', '-j', '-n', ns, ...args).trim();
  return out ? JSON.parse(out) : [];
}

/** Creates `nlkit-test-<random>` (ip netns add), runs `fn`, and always deletes it. */
export async function withNetns<T>(fn: (ns: string) => Promise<T>): Promise<T> {
  const ns = `nlkit-test-${randomBytes(4).toString('hex')}`;
  sh('ip', 'netns', 'add', ns);
  try {
    return await fn(ns);
  } finally {
    sh('ip', 'netns', 'del', ns);
  }
}
