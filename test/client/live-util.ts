/// <reference types="node" />
/**
 * Helpers of the live client tests: a throwaway namespace per test with an
 * `IPRoute` open inside it, and iproute2's own JSON view of the namespace to
 * check the client's work against.
 */
import { randomBytes } from 'node:crypto';
import { IPRoute } from '@nlkit/client';
import { ipj, requireRootInCI, run } from '../live-env.js';

export { bridgej, ip, ipj, isRoot } from '../live-env.js';
requireRootInCI('the live client tests');

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
