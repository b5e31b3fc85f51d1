import { describe, expect, it } from 'vitest';
import { OVERRUN, type Inbound, type Transport } from '@nlkit/transport';
import { readCapture } from './read.js';
import { GROUP_COMMENT_PREFIX, OVERRUN_COMMENT, recordTransport } from './record.js';
import { PcapStreamWriter } from './write.js';

/** A transport that answers each send with the next scripted inbound items. */
function scripted(script: Inbound[][]): Transport & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const queue: Inbound[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    sent,
    info: { protocol: 0, portId: 77, groups: [1] },
    async send(bytes) {
      sent.push(bytes);
      queue.push(...(script.shift() ?? []));
      wake?.();
    },
    async *receive() {
      while (!closed || queue.length) {
        if (queue.length) yield queue.shift()!;
        else await new Promise<void>((r) => (wake = r));
      }
    },
    async close() {
      closed = true;
      wake?.();
    },
  };
}

describe('recordTransport', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    it(`writes sends and receives in order (${format})`, async () => {
      const chunks: Uint8Array[] = [];
      const writer = new PcapStreamWriter((c) => chunks.push(c), { format });
      const req = new Uint8Array([1, 2, 3, 4]);
      const reply = { bytes: new Uint8Array([5, 6, 7, 8]), group: 0 };
      const event = { bytes: new Uint8Array([9, 9, 9, 9]), group: 1 };
      const inner = scripted([[reply, event, OVERRUN]]);
      const t = recordTransport(inner, writer);
      const got: Inbound[] = [];
      const reading = (async () => {
        for await (const x of t.receive()) {
          got.push(x);
          if (got.length === 3) await t.close();
        }
      })();
      await t.send(req);
      await reading;
      expect(got).toEqual([reply, event, OVERRUN]);
      expect(inner.sent).toEqual([req]);

      const total = chunks.reduce((n, c) => n + c.length, 0);
      const file = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) file.set(c, (o += c.length) - c.length);
      const packets = readCapture(file);
      const rows = packets.map((p) => [p.direction, [...p.data], p.comment]);
      if (format === 'pcapng') {
        expect(rows).toEqual([
          ['to-kernel', [1, 2, 3, 4], undefined],
          ['from-kernel', [5, 6, 7, 8], undefined],
          ['from-kernel', [9, 9, 9, 9], `${GROUP_COMMENT_PREFIX}1`],
          ['from-kernel', [], OVERRUN_COMMENT],
        ]);
      } else {
        expect(rows).toEqual([
          ['to-kernel', [1, 2, 3, 4], undefined],
          ['from-kernel', [5, 6, 7, 8], undefined],
          ['from-kernel', [9, 9, 9, 9], undefined],
        ]);
      }
      expect(packets.every((p) => p.protocol === 0)).toBe(true);
    });
  }
});
