import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, toHex, viewOf, type AttrSet, type Codec, type MessageDef } from '@nlkit/core';
import { arbitraryFor, arbitraryMessage } from '@nlkit/core/arbitrary';
import { tc, tcMessages } from './family.js';
import { actionKinds, classKinds, classXstatsKinds, filterKinds, qdiscKinds, qdiscXstatsKinds } from './kinds.js';

type Name = keyof typeof tcMessages & string;
const names = Object.keys(tcMessages) as Name[];

const casesOf = (set: AttrSet<any>, key: string): Record<string, Codec<any, any>> =>
  ((set.byKey(key)?.codec.info as { cases?: Record<string, Codec<any, any>> } | undefined)?.cases ?? {});

/**
 * Messages of type `name`. `TCA_OPTIONS`, `TCA_XSTATS` and `TCA_STATS_APP`
 * are all keyed by the one `TCA_KIND`: the core generator picks a kind per
 * payload, so the payloads are drawn again here for the kind that was kept.
 */
function tcMessage(name: Name): Arbitrary<Record<string, any>> {
  const def = (tc.messages as Record<string, MessageDef>)[name]!;
  const set = def.attrs!;
  const base = arbitraryMessage(tc, name) as unknown as Arbitrary<Record<string, any>>;
  if (!set.byKey('xstats')) return base;
  const options = casesOf(set, 'options');
  const xstats = casesOf(set, 'xstats');
  const payload = (cases: Record<string, Codec<any, any>>, kind: string): Arbitrary<unknown> =>
    Object.hasOwn(cases, kind) ? arbitraryFor(cases[kind]!) : fc.uint8Array({ maxLength: 24 });
  return base.chain((m) => {
    const { options: _o, xstats: _x, ...rest } = m.attrs as Record<string, any>;
    if (typeof rest.kind !== 'string') return fc.constant({ ...m, attrs: rest });
    const kind = rest.kind;
    return fc
      .record({ options: payload(options, kind), xstats: payload(xstats, kind), app: payload(xstats, kind) }, { requiredKeys: [] })
      .map((p) => {
        const attrs: Record<string, unknown> = { ...rest };
        if (p.options !== undefined) attrs.options = p.options;
        if (p.xstats !== undefined) attrs.xstats = p.xstats;
        if (rest.stats2 && p.app !== undefined) attrs.stats2 = { ...rest.stats2, app: p.app };
        return { ...m, attrs };
      });
  });
}

describe('tc messages', () => {
  it('declares the fifteen message types with their numbers', () => {
    expect(Object.fromEntries(names.map((n) => [n, tcMessages[n].type]))).toEqual({
      RTM_NEWQDISC: 36, RTM_DELQDISC: 37, RTM_GETQDISC: 38,
      RTM_NEWTCLASS: 40, RTM_DELTCLASS: 41, RTM_GETTCLASS: 42,
      RTM_NEWTFILTER: 44, RTM_DELTFILTER: 45, RTM_GETTFILTER: 46,
      RTM_NEWACTION: 48, RTM_DELACTION: 49, RTM_GETACTION: 50,
      RTM_NEWCHAIN: 100, RTM_DELCHAIN: 101, RTM_GETCHAIN: 102,
    });
    expect(tcMessages.RTM_NEWQDISC.header.fixed).toBe(20);
    expect(tcMessages.RTM_NEWACTION.header.fixed).toBe(4);
  });

  for (const name of names) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(
        fc.property(tcMessage(name), (m) => {
          const bytes = encodeMessage(tc, m as never);
          const [back] = decodeMessages(tc, bytes);
          expect(back).toEqual(m);
          expect(toHex(encodeMessage(tc, back as never))).toBe(toHex(bytes));
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('per-kind payloads round-trip (property)', () => {
  const tables: Record<string, Record<string, Codec<any, any>>> = {
    qdisc: qdiscKinds,
    'qdisc xstats': qdiscXstatsKinds,
    class: classKinds,
    'class xstats': classXstatsKinds,
    filter: filterKinds,
    action: actionKinds,
  };
  for (const [table, kinds] of Object.entries(tables)) {
    it(`${table}: ${Object.keys(kinds).length} kinds`, () => {
      for (const [kind, codec] of Object.entries(kinds)) {
        fc.assert(
          fc.property(arbitraryFor(codec, { maxDepth: 3 }), (v) => {
            const buf = new Uint8Array(codec.size(v, undefined));
            codec.write(v, viewOf(buf), 0, undefined);
            const back = codec.read(viewOf(buf), 0, buf.length, undefined);
            expect(back, `${table} ${kind}`).toEqual(v);
          }),
          { numRuns: 40 },
        );
      }
    });
  }
});
