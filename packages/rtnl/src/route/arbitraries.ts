/**
 * Generators for the hand-written codecs of the rtnl schemas, handed to
 * `@nlkit/core/arbitrary` through each codec's `info.arbitrary`. Only types
 * come from fast-check here: the schemas never load it at run time.
 */
import { formatIPv6, viewOf } from '@nlkit/core';
import type { Arbitrary } from 'fast-check';

/** The fast-check module, as `info.arbitrary` receives it. */
export type FastCheckModule = typeof import('fast-check').default;

/** What a codec's `info.arbitrary` is: given fast-check and the size limits, valid decoded values. */
export type ArbitraryOf<T> = (fc: FastCheckModule, opts: { maxDepth: number; maxBytes: number }) => Arbitrary<T>;

/** IPv6 addresses in the text form decode gives (RFC 5952, as `inet_ntop` writes them). */
export function ipv6Text(fc: FastCheckModule): Arbitrary<string> {
  return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(viewOf(b), 0));
}

/** What the `ip` codec decodes to: IPv4 or IPv6 text, or bytes of any other length. */
export function ipValue(fc: FastCheckModule): Arbitrary<string | Uint8Array> {
  return fc.oneof(fc.ipV4(), ipv6Text(fc), fc.uint8Array({ maxLength: 12 }).filter((b) => b.length !== 4));
}

/** An unsigned integer of `bits` bits. */
export function uintOf(fc: FastCheckModule, bits: 8 | 16 | 32): Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** bits - 1 });
}
