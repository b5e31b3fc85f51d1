/**
 * Fixtures: real kernel captures stored as `NAME.pcap` beside `NAME.json`.
 * The JSON holds the provenance (commands, kernel, tools) and the expected
 * decode of every frame in the canonical raw form. Shared by the recorder
 * script (`pnpm fixtures:capture`, `pnpm fixtures:update`) and the golden tests.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMessages, stringifyRaw, toRaw, type AnyFamily, type RawMessage } from '@nlkit/core';
import { readCapture, type Direction } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';
import { tc } from '@nlkit/tc';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The families fixtures name, by the name stored in their JSON. */
export const FAMILIES: Record<string, AnyFamily> = { rtnl, tc };

/** Where a fixture came from. */
export interface Provenance {
  /** What made the capture (`pnpm fixtures:capture`). */
  tool: string;
  /** Commands that prepared the namespace before recording, as run. */
  setup: string[];
  /** What was recorded, in words (`RTM_GETLINK dump`). */
  exchange: string[];
  /** `uname -r` of the kernel that answered. */
  kernel: string;
  /** `ip -V`. */
  iproute2: string;
  /** ISO date of the capture. */
  date: string;
}

/** One captured datagram and its expected decode. */
export interface ExpectedFrame {
  direction: Direction | 'unknown';
  messages: RawMessage[];
}

/** The JSON beside a fixture's capture. */
export interface FixtureFile {
  description: string;
  family: string;
  provenance: Provenance;
  frames: ExpectedFrame[];
}

/** The canonical decode of every frame of a capture, as plain JSON (bigints become numbers). */
export function deriveFrames(capture: Uint8Array, fam: AnyFamily): ExpectedFrame[] {
  return readCapture(capture).map((p) => ({
    direction: p.direction,
    messages: JSON.parse(stringifyRaw(decodeMessages(fam, p.data).map((m) => toRaw(fam, m)))) as RawMessage[],
  }));
}

/** Every fixture under `fixtures/`, as paths relative to it without extension (`rtnl/link-dump`). */
export function listFixtures(dir = FIXTURES_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.json')) out.push(relative(dir, p).slice(0, -'.json'.length));
    }
  };
  walk(dir);
  return out.sort();
}

export function loadFixture(name: string): { meta: FixtureFile; capture: Uint8Array } {
  const meta = JSON.parse(readFileSync(join(FIXTURES_DIR, name + '.json'), 'utf8')) as FixtureFile;
  const buf = readFileSync(join(FIXTURES_DIR, name + '.pcap'));
  return { meta, capture: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}
