/**
 * The specialised encoders (packages/core/src/compile.ts) against the
 * interpreted ones, over every message type of the rtnl and tc families:
 * the same bytes for generated messages, and the same error for the same
 * messages with one attribute given a value its codec does not take; and
 * the same decode of every datagram the fixtures captured from the kernel.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '@nlkit/pcap';
import { FAMILIES, listFixtures, loadFixture } from './fixture-lib.js';
import type { Family, MessageDef } from '@nlkit/core';
import { compareDecoders, specialisedCodecsProperty } from '@nlkit/core/arbitrary';
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

describe('specialised decoders on real kernel bytes', () => {
  it.each(listFixtures())('%s: the interpreted decode, raw form and re-encode of every datagram', (name) => {
    const { meta, capture } = loadFixture(name);
    const fam = FAMILIES[meta.family]!;
    const packets = readCapture(capture);
    expect(packets.length).toBeGreaterThan(0);
    for (const p of packets) {
      const r = compareDecoders(fam, p.data);
      expect(r.specialised).toBe(r.interpreted);
      expect(r.specialised).not.toMatch(/Error: /);
    }
  });
});
