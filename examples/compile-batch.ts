/**
 * Compiles rtnetlink requests offline with `Batch` (no socket, no root),
 * prints each one in the canonical raw JSON form, turns the batch into a
 * pcap and loads it back, then applies it to a scripted kernel
 * (`FakeTransport`) that refuses one request, and prints each request's
 * outcome, going on past the refusal and stopping at it.
 *
 * Run with `node --conditions=@nlkit/source --import tsx examples/compile-batch.ts`.
 */
import { bytesEqual, stringifyRaw, toRaw } from '@nlkit/core';
import { Batch, applyBatch } from '@nlkit/batch';
import { FakeTransport } from '@nlkit/testing';

// Devices may be named; offline, the batch looks the names up here.
const batch = new Batch({ names: { eth0: 2 } });
batch.link('add', { ifname: 'br0', kind: 'bridge' });
batch.link('set', { index: 'eth0', state: 'up', mtu: 1400 });
batch.addr('add', { index: 'eth0', address: '10.0.0.1/24' });
batch.route('add', { dst: '10.2.0.0/16', gateway: '10.0.0.254', table: 1000 });
batch.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.254' });

console.log(`${batch.length} requests, ${batch.byteLength} bytes`);
for (let i = 0; i < batch.length; i++) {
  console.log(`#${i} ${batch.describe(i)}`);
  console.log(stringifyRaw(toRaw(Batch.family, batch.decode(i))));
}

// The same requests as a capture: Wireshark shows it; Batch.from reads it back.
const capture = batch.toCapture();
const loaded = Batch.from(capture);
console.log(`capture: ${capture.length} bytes; loaded back: ${loaded.length} requests, same bytes: ${bytesEqual(loaded.toBytes(), batch.toBytes())}`);

// Applied to a scripted kernel that refuses the route in table 1000: once
// going on past the refusal (`ip -batch -force`), once stopping at it (`ip -batch`).
for (const onError of ['continue', 'stop'] as const) {
  const kernel = new FakeTransport(Batch.family);
  kernel.on({ name: 'RTM_NEWROUTE', attrs: { table: 1000 } }, { error: 'ENETUNREACH', message: 'Nexthop has invalid gateway' });
  kernel.on(() => true); // everything else: a plain ACK
  const report = await applyBatch(loaded, kernel, { onError });
  console.log(`onError ${onError}: ${report.ok} ok, ${report.failed} failed, ${report.skipped} skipped, ${report.datagrams} datagram(s)`);
  for (const { index, outcome, error } of report) {
    console.log(`  #${index} ${outcome}${error ? `: ${error.code} ${error.extack.message ?? ''}` : ''}`);
  }
  await kernel.close();
}
