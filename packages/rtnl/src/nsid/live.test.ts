/** Namespace ids as iproute2 sends them and the kernel answers (captured with strace inside throwaway namespaces). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { nsidMessages } from './schema.js';
import { canRunLive, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, nsidMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('namespace ids against iproute2 and the kernel', () => {
  it('assigns an id to a peer namespace and lists it', () =>
    withNetns((ns) =>
      withNetns((peer) => {
        const set = ipCaptured(fam, ns, 'netns', 'set', peer, '42');
        expect(set.cap.status).toBe(0);
        const req = named(set.msgs, 'RTM_NEWNSID', 'sent')[0]!.msg;
        expect(req.header).toEqual({ family: 0 });
        expect(req.attrs).toEqual({ fd: expect.any(Number), nsid: 42 });
        expectReencodes(set.msgs);

        const list = ipCaptured(fam, ns, 'netns', 'list-id');
        expect(list.cap.status).toBe(0);
        expect(named(list.msgs, 'RTM_NEWNSID', 'received').map((m) => m.msg.attrs.nsid)).toContain(42);
        expect(list.cap.stdout).toContain('nsid 42');
        expectReencodes(list.msgs);
      })));
});
