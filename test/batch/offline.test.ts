/**
 * The batch compiler needs no Node: its main entry bundles for the browser
 * (esbuild fails on any Node built-in) and runs in a bare V8 context; and
 * tshark reads the pcap a batch writes as netlink, with no malformed packet.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { Batch } from '@nlkit/batch';

const root = fileURLToPath(new URL('../..', import.meta.url));

const tshark = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!tshark && process.env['CI'] === 'true') throw new Error('tshark is missing: .ci/run installs it (apt-get install tshark)');

describe('batch in a browser', () => {
  it('bundles @nlkit/batch for platform browser with no Node built-ins, and compiles there', async () => {
    const entry = 'test/batch/browser-entry.ts';
    const out = await build({
      entryPoints: [entry], absWorkingDir: root, bundle: true, platform: 'browser', format: 'iife', globalName: 'nlkit',
      conditions: ['@nlkit/source'], write: false, metafile: true, logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((i) => i.startsWith('packages/batch/src/'))).toBe(true);
    expect(inputs.every((i) => i.startsWith('packages/') || i === entry)).toBe(true);
    expect(inputs.some((i) => /packages\/(live|client|cli)\//.test(i) || i.endsWith('pcap/src/node.ts'))).toBe(false);
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);

    const ctx = createContext({ TextEncoder, TextDecoder, Uint8Array, DataView, ArrayBuffer });
    runInContext(code, ctx);
    const result = runInContext('nlkit.compile()', ctx);
    expect(result).toEqual({ requests: 3, bytes: expect.any(Number), capture: expect.any(Number), reloaded: 3, first: 'route add 10.0.0.0/24' });
  });
});

describe.skipIf(!tshark)('tshark on a batch capture', () => {
  it('decodes every request as netlink-route, none malformed', () => {
    const b = new Batch({ names: { eth0: 2 } });
    b.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
    b.link('set', { index: 'eth0', state: 'up', mtu: 1400 });
    b.addr('add', { index: 'eth0', address: '10.0.0.1/24', broadcast: '+' });
    b.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.254', oif: 'eth0', metrics: { mtu: 1400 } });
    b.route('add', { dst: '10.2.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3' }] });
    b.rule('add', { priority: 100, src: '10.0.0.0/8', table: 100 });
    b.neigh('add', { dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', index: 'eth0' });
    b.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 });
    b.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '10mbit' });
    const dir = mkdtempSync(join(tmpdir(), 'nlkit-batch-'));
    try {
      for (const format of ['pcap', 'pcapng'] as const) {
        const file = join(dir, `batch.${format}`);
        writeFileSync(file, b.toCapture({ format }));
        const text = execFileSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
        expect(text).not.toMatch(/malformed/i);
        expect(text.match(/^Frame \d+:/gm)).toHaveLength(b.length);
        expect(text.match(/^Linux rtnetlink \(route netlink\) protocol/gm)).toHaveLength(b.length);
        const seqs = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'netlink.hdr_seq'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(seqs.trim().split('\n').map(Number)).toEqual([...Array(b.length).keys()].map((i) => i + 1));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
