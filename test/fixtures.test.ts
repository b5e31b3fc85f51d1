/**
 * Golden tests on real kernel bytes: every capture under fixtures/ decodes to
 * the expected canonical form stored beside it, re-encodes to the same bytes,
 * reads the same through lazy views, and survives mutation with typed errors only.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NlDecodeError, decodeMessages, encodeMessages, toHex, toRaw, viewMessages, stringifyRaw } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { FAMILIES, deriveFrames, listFixtures, loadFixture } from './fixture-lib.js';

const names = listFixtures();

describe('fixtures', () => {
  it('include the captures the codec is held to', () => {
    for (const required of ['rtnl/link-dump', 'rtnl/addr-dump', 'rtnl/route-dump', 'rtnl/link-add-unknown-kind-error']) {
      expect(names).toContain(required);
    }
  });

  describe.each(names)('%s', (name) => {
    const { meta, capture } = loadFixture(name);
    const fam = FAMILIES[meta.family]!;
    const packets = readCapture(capture);

    it('has its provenance', () => {
      expect(meta.provenance.kernel).toMatch(/^\d+\.\d+/);
      expect(meta.provenance.tool).toBeTruthy();
      expect(meta.frames.length).toBe(packets.length);
    });

    it('decodes to the expected canonical form', () => {
      expect(deriveFrames(capture, fam)).toEqual(meta.frames);
    });

    it('re-encodes every datagram byte for byte', () => {
      for (const p of packets) {
        const msgs = decodeMessages(fam, p.data);
        expect(toHex(encodeMessages(fam, msgs as never))).toBe(toHex(p.data));
      }
    });

    it('reads the same through lazy views', () => {
      for (const p of packets) {
        const eager = decodeMessages(fam, p.data).map((m) => stringifyRaw(toRaw(fam, m)));
        const lazy = viewMessages(fam, p.data).map((v) => stringifyRaw(toRaw(fam, v)));
        expect(lazy).toEqual(eager);
        for (const [i, v] of viewMessages(fam, p.data).entries()) {
          const m = decodeMessages(fam, p.data)[i]!;
          for (const key of Object.keys(m.attrs)) expect(v.get(key)).toEqual((m.attrs as Record<string, unknown>)[key]);
        }
      }
    });

    it('raises only NlDecodeError on mutated bytes', () => {
      const data = packets.map((p) => p.data);
      fc.assert(
        fc.property(fc.nat(data.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), (which, edits, cut) => {
          const b = data[which]!.slice(0, Math.max(1, cut % (data[which]!.length + 1)));
          for (const [i, v] of edits) b[i % b.length] = v;
          try {
            decodeMessages(fam, b).forEach((m) => toRaw(fam, m));
          } catch (e) {
            if (!(e instanceof NlDecodeError)) throw e;
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
