/// <reference types="node" />
/**
 * Helpers of the live client tests: a throwaway namespace per test with an
 * `IPRoute` open inside it, and iproute2's own JSON view of the namespace to
 * check the client's work against.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IPRoute } from '@nlkit/client';

/** Live tests need root (network namespaces). They are skipped otherwise, but never in CI. */
export const isRoot: boolean = process.getuid?.() === 0;
if (!isRoot && process.env.CI === 'true') throw new Error('the live client tests must run in CI, and need root');

/** Runs a command and returns its stdout; throws with its stderr on failure. */
function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ip -j -n NS ARGS...`, parsed. */
export function ipj<T = any>(ns: string, ...args: string[]): T {
  const out = run('ip', ['-j', '-n', ns, ...args]).trim();
  return (out ? JSON.parse(out) : []) as T;
}

/** `bridge -j -n NS ARGS...`, parsed. */
export function bridgej<T = any>(ns: string, ...args: string[]): T {
  const out = run('bridge', ['-j', '-n', ns, ...args]).trim();
  return (out ? JSON.parse(out) : []) as T;
}

/** `ip -n NS ARGS...` (setup outside the client). */
export function ip(ns: string, ...args: string[]): string {
  return run('ip', ['-n', ns, ...args]);
}

/**
 * Creates `nlkit-test-<random>` with `ip netns add`, opens an `IPRoute`
 * in it, runs `fn`, and always closes the client and deletes the namespace.
 */
export async function withClient<T>(fn: (ipr: IPRoute, ns: string) => Promise<T>): Promise<T> {
  const ns = `nlkit-test-${randomBytes(4).toString('hex')}`;
  run('ip', ['netns', 'add', ns]);
  let ipr: IPRoute | undefined;
  try {
    ipr = await IPRoute.open({ netns: ns, timeoutMs: 10_000 });
    return await fn(ipr, ns);
  } finally {
    await ipr?.close();
    run('ip', ['netns', 'del', ns]);
  }
}

/** `ip -j -d link show dev DEV` of one device. */
export function ipLink(ns: string, dev: string): any {
  return ipj(ns, '-d', 'link', 'show', 'dev', dev)[0];
}
