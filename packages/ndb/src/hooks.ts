/**
 * Ready-made commit hooks.
 */
import type { CommitHook } from './transaction.js';

const RTN_UNICAST = 1;
const RTN_LOCAL = 2;

/**
 * A hook that fails the commit unless the kernel can route to `address`
 * (`ip route get` gives a unicast or local route), as IPDB's
 * `ensure(reachable=...)`: "this gateway is still reachable".
 *
 * ```ts
 * tx.hook(reachable('10.0.0.254'));
 * db.addCommitHook(reachable('2001:db8::1', { source: 'blue' }));
 * ```
 */
export function reachable(address: string, options: { source?: string } = {}): CommitHook {
  const hook: CommitHook = async ({ source }) => {
    try {
      const r = await source(options.source).ipr.route('get', { dst: address });
      return r.header.type === RTN_UNICAST || r.header.type === RTN_LOCAL;
    } catch {
      return false;
    }
  };
  Object.defineProperty(hook, 'name', { value: `reachable(${address})` });
  return hook;
}
