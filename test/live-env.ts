/// <reference types="node" />
/**
 * What the live tests under test/ share: whether they can run here, and
 * iproute2 (`ip`, `bridge`) to set namespaces up and to check nlkit's work
 * against.
 */
import { execFileSync } from 'node:child_process';

/** Live tests need root (network namespaces). */
export const isRoot: boolean = process.getuid?.() === 0;
/** CI runs every live test (as root): none may skip there. */
export const inCI: boolean = process.env['CI'] === 'true';

/** Called at the top of a live test file: under `CI=true` without root it throws, so live tests skip only outside CI. */
export function requireRootInCI(what = 'live tests'): void {
  if (!isRoot && inCI) throw new Error(`${what} must run as root under CI=true; they skip only outside CI`);
}

/** Runs a command to its end; returns its stdout, throws with its stderr on failure. `input` goes to its stdin. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 * 2 ** 20 });
}

/** `ip -n NS ARGS...`. */
export function ip(ns: string, ...args: string[]): string {
  return run('ip', ['-n', ns, ...args]);
}

/** `ip -n NS -batch -` with these lines (`force`: `-force`, going on after errors). */
export function ipBatch(ns: string, lines: readonly string[], force = false): string {
  return run('ip', ['-n', ns, ...(force ? ['-force'] : []), '-batch', '-'], `${lines.join('\n')}\n`);
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
