import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, family, fromHex, toHex } from '@nlkit/core';
import { routeMessages } from './schema.js';
import { kernelFrames, parseStrace, reencodeDiff, type Captured } from './test-util.js';

const fam = family('test', 0, routeMessages);

describe('strace capture parsing', () => {
  it('collects the data of each call, skipping peeks', () => {
    const text = [
      'sendto(3, ..., 20, 0, NULL, 0)         = 20',
      ' | 00000  14 00 00 00 1a 00 01 03  01 00 00 00 00 00 00 00  ................ |',
      ' | 00010  02 00 00 00                                       ....             |',
      'recvmsg(3, {msg_iov=[...]}, MSG_PEEK|MSG_TRUNC) = 20',
      'recvmsg(3, {msg_iov=[...], msg_flags=0}, 0) = 20',
      ' * 16 bytes in buffer 0',
      ' | 00000  10 00 00 00 03 00 02 00  01 00 00 00 7b 00 00 00  ............{... |',
      ' * 4 bytes in buffer 1',
      ' | 00000  00 00 00 00                                       ....             |',
    ].join('\n');
    const t = parseStrace(text);
    expect(t.map((x) => [x.dir, toHex(x.data)])).toEqual([
      ['sent', '140000001a0001030100000000000000' + '02000000'],
      ['received', '10000000030002000100000' + '07b000000' + '00000000'],
    ]);
  });

  it('frames messages as the kernel does, ignoring a zero-filled tail', () => {
    const one = encodeMessage(fam, { name: 'RTM_GETROUTE', header: { family: 2 } });
    const padded = new Uint8Array(one.length + 40);
    padded.set(one);
    expect(kernelFrames(padded).map(toHex)).toEqual([toHex(one)]);
  });

  it('tolerates uninitialised attribute padding only', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWROUTE', header: { family: 2, dstLen: 16 }, attrs: { dst: '10.6.0.0', encapType: 'mpls', encap: { dst: [100] } } });
    const typeAt = toHex(bytes).indexOf('06001500') / 2; // RTA_ENCAP_TYPE: a u16 and 2 bytes of padding
    const garbage = bytes.slice();
    garbage[typeAt + 6] = 0x01;
    expect(reencodeDiff(fam, { dir: 'sent', bytes: garbage, msg: decodeMessages(fam, garbage)[0]! })).toEqual([]);
    // A decoder that lost a byte elsewhere is caught.
    const changed = bytes.slice();
    changed[typeAt + 4] = 0x02;
    const lost: Captured<typeof fam> = { dir: 'sent', bytes: changed, msg: decodeMessages(fam, bytes)[0]! };
    expect(reencodeDiff(fam, lost)).toEqual([typeAt + 4]);
    expect(reencodeDiff(fam, { ...lost, bytes: fromHex(toHex(bytes).slice(0, -8)) })).toEqual([-1]);
  });
});
