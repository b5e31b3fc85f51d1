/**
 * `pnpm fixtures:capture` (root): rebuilds fixtures/ by recording real
 * sessions against this machine's kernel, each in a throwaway namespace.
 * `pnpm fixtures:update`: re-derives the expected decodes of the stored
 * captures (no kernel needed), after a schema learns more.
 *
 * Options: `--only NAME` (repeatable) to limit to some scenarios/fixtures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PcapStreamWriter, recordTransport } from '@nlkit/pcap';
import { NetlinkChannel } from '@nlkit/transport';
import { FAMILIES, FIXTURES_DIR, deriveFrames, listFixtures, loadFixture, type FixtureFile } from '../test/fixture-lib.js';
import { scenarios } from './fixture-scenarios.js';

const args = process.argv.slice(2);
const mode = args[0];
const only = args.flatMap((a, i) => (args[i - 1] === '--only' ? [a] : []));
const wanted = (name: string) => only.length === 0 || only.includes(name);

function tool(cmd: string, argv: string[]): string {
  return execFileSync(cmd, argv, { encoding: 'utf8' }).trim();
}

async function capture(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('fixtures:capture needs root (it creates network namespaces)');
  const { openNetlink, withTempNetns } = await import('@nlkit/live');
  const kernel = tool('uname', ['-r']);
  const iproute2 = tool('ip', ['-V']);
  for (const s of scenarios.filter((x) => wanted(x.name))) {
    await withTempNetns(async (ns) => {
      const setup = [
        ...s.setup.map((a) => ['ip', '-n', ns, ...a]),
        ...(s.bridgeSetup ?? []).map((a) => ['bridge', '-n', ns, ...a]),
        ...(s.tcSetup ?? []).map((a) => ['tc', '-n', ns, ...a]),
      ];
      for (const cmd of setup) execFileSync(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
      const chunks: Uint8Array[] = [];
      const writer = new PcapStreamWriter((c) => chunks.push(c), { format: 'pcap' });
      const transport = recordTransport(openNetlink({ protocol: s.family.protocol, netns: ns }), writer);
      const ch = new NetlinkChannel(transport, s.family, { timeoutMs: 10_000 });
      try {
        await s.run(ch);
      } finally {
        await ch.close();
      }
      const bytes = concat(chunks);
      const meta: FixtureFile = {
        description: s.description,
        family: s.familyName,
        provenance: {
          tool: 'pnpm fixtures:capture',
          setup: setup.map((c) => c.join(' ').replace(ns, 'NS')),
          exchange: s.exchange,
          kernel,
          iproute2,
          date: new Date().toISOString(),
        },
        frames: deriveFrames(bytes, s.family),
      };
      const base = join(FIXTURES_DIR, s.name);
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(base + '.pcap', bytes);
      writeFileSync(base + '.json', JSON.stringify(meta, null, 1) + '\n');
      console.log(`captured ${s.name}: ${meta.frames.length} frames, ${bytes.length} bytes`);
    }, { prefix: 'nlkit-fixture' });
  }
}

function update(): void {
  for (const name of listFixtures().filter(wanted)) {
    const { meta, capture: bytes } = loadFixture(name);
    const fam = FAMILIES[meta.family];
    if (!fam) throw new Error(`${name}: unknown family ${meta.family}`);
    meta.frames = deriveFrames(bytes, fam);
    writeFileSync(join(FIXTURES_DIR, name + '.json'), JSON.stringify(meta, null, 1) + '\n');
    console.log(`updated ${name}`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

if (mode === 'capture') await capture();
else if (mode === 'update') update();
else {
  console.error('usage: fixtures.ts capture|update [--only NAME]...');
  process.exit(2);
}
