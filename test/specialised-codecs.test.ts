/**
 * The specialised encoders (packages/core/src/compile.ts) against the
 * interpreted ones, over every message type of the rtnl and tc families:
 * the same bytes for generated messages, and the same error for the same
 * messages with one attribute given a value its codec does not take.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Family, MessageDef } from '@nlkit/core';
import { specialisedCodecsProperty } from '@nlkit/core/arbitrary';
import { rtnl } from '@nlkit/rtnl';
import { tc } from '@nlkit/tc';

for (const [label, fam] of [['rtnl', rtnl], ['tc', tc]] as const) {
  const names = Object.entries(fam.messages as Record<string, MessageDef>).filter(([, d]) => d.attrs || d.header).map(([n]) => n);
  describe(`specialised encoders, ${label}`, () => {
    it.each(names)("%s: the interpreted encoders' bytes, and their errors for a wrong value", (name) => {
      fc.assert(specialisedCodecsProperty(fam as Family<any>, name as never, { maxDepth: 3 }), { numRuns: 40 });
    });
  });
}
