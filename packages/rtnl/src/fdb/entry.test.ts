import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, family } from '@nlkit/core';
import { neighMessages, neighStates } from '../neigh/schema.js';
import { fdbEntry, vxlanRemote } from './entry.js';
import { AF_BRIDGE } from './schema.js';

const fam = family('test', 0, neighMessages);

describe('FDB entry builders', () => {
  it('build what `bridge fdb add ... self permanent` sends', () => {
    expect(fdbEntry({ ifindex: 4, lladdr: '02:00:00:00:00:01', dst: '10.0.0.5', self: true, state: 'permanent' })).toEqual({
      header: { family: AF_BRIDGE, ifindex: 4, state: neighStates.noarp | neighStates.permanent, flags: 2 },
      attrs: { lladdr: '02:00:00:00:00:01', dst: '10.0.0.5' },
    });
  });

  it('default to the device table and a static entry; `master` targets the bridge', () => {
    expect(fdbEntry({ ifindex: 2, lladdr: '02:00:00:00:00:02' }).header).toMatchObject({ state: neighStates.noarp, flags: 2 });
    expect(fdbEntry({ ifindex: 2, lladdr: '02:00:00:00:00:02', master: true, state: 'static', vlan: 10, sticky: true }))
      .toEqual({ header: { family: AF_BRIDGE, ifindex: 2, state: 0x42, flags: 0x44 }, attrs: { lladdr: '02:00:00:00:00:02', vlan: 10 } });
    expect(fdbEntry({ ifindex: 2, lladdr: '02:00:00:00:00:02', state: 'dynamic' }).header.state).toBe(neighStates.reachable);
  });

  it('build a VXLAN remote that encodes and decodes as NDA_* attributes', () => {
    const r = vxlanRemote({ ifindex: 5, dst: '10.0.0.6', vni: 100, port: 4790, via: 3, srcVni: 7 });
    expect(r.attrs).toEqual({ lladdr: '00:00:00:00:00:00', dst: '10.0.0.6', port: 4790, vni: 100, srcVni: 7, ifindex: 3 });
    const [m] = decodeMessages(fam, encodeMessage(fam, { name: 'RTM_NEWNEIGH', ...r }));
    expect(m!.attrs).toEqual(r.attrs);
    expect(m!.header).toMatchObject(r.header);
  });
});
