/** Bundled for the browser by offline.test.ts: compiles a batch with no Node at all. */
import { Batch } from '@nlkit/batch';

export function compile(): { requests: number; bytes: number; capture: number; reloaded: number; first: string } {
  const batch = new Batch({ names: { eth0: 2 } });
  batch.link('set', { index: 'eth0', state: 'up' });
  batch.route('add', { dst: '10.0.0.0/24', gateway: '10.0.0.1', oif: 'eth0' });
  batch.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 });
  const capture = batch.toCapture({ timestamp: { seconds: 0, nanoseconds: 0 } });
  return { requests: batch.length, bytes: batch.byteLength, capture: capture.length, reloaded: Batch.from(capture).length, first: batch.describe(1) };
}
