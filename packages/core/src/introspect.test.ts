import { describe, expect, it } from 'vitest';
import { attrs, nest, variant } from './attrs.js';
import { family } from './family.js';
import { attrSets, attrTable, messageTable } from './introspect.js';
import { cstring, u16be, u32 } from './scalars.js';
import { struct } from './struct.js';

const inner = attrs('X_IN_', { port: { nla: 2, codec: u16be }, id: { nla: 1, codec: u32 } }, { name: 'inner' });
const caseSet = attrs('X_K_', { a: { nla: 1, codec: u32 } }, { name: 'kind-a' });
const fallbackSet = attrs('X_F_', { b: { nla: 1, codec: u32 } }, { name: 'fallback' });
const top = attrs('X_', {
  name: { nla: 1, codec: cstring() },
  inner: { nla: 3, codec: nest(inner) },
  kind: { nla: 4, codec: cstring() },
  data: { nla: 5, codec: variant('kind', { a: nest(caseSet) }, nest(fallbackSet) as never) },
  fdbNLearned: { nla: 6, codec: u32 },
}, { name: 'top' });
const hdr = struct('xmsg', 'x_', { index: u32 });
const fam = family('x', 0, { X_NEW: { type: 16, header: hdr, attrs: top }, X_GET: { type: 18, header: hdr, attrs: top } });

describe('introspection', () => {
  it('lists an attribute set by number with kernel names, types and nests', () => {
    expect(attrTable(inner)).toEqual([
      { name: 'X_IN_ID', key: 'id', nla: 1, type: 'u32', multi: false },
      { name: 'X_IN_PORT', key: 'port', nla: 2, type: 'u16be', multi: false },
    ]);
    expect(attrTable(top).find((r) => r.key === 'inner')).toEqual({ name: 'X_INNER', key: 'inner', nla: 3, type: 'nest', multi: false, nested: 'inner' });
    expect(attrTable(top).find((r) => r.nla === 6)!.name).toBe('X_FDB_N_LEARNED');
  });
  it('finds every set reachable from a family, variant cases and fallbacks included', () => {
    expect([...attrSets(fam).keys()].sort()).toEqual(['fallback', 'inner', 'kind-a', 'top']);
  });
  it('lists message types', () => {
    expect(messageTable(fam)).toEqual([
      { name: 'X_NEW', type: 16, header: 'xmsg', attrs: 'top' },
      { name: 'X_GET', type: 18, header: 'xmsg', attrs: 'top' },
    ]);
  });
});
