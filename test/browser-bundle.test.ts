/**
 * The codec must run unchanged in a browser: bundle it for `platform: 'browser'`
 * (esbuild fails on any Node built-in), check what went in, then run the bundle
 * in a bare V8 context that has only what browsers and Node share.
 */
import { build } from 'esbuild';
import { createContext, runInContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

async function bundle(entry: string): Promise<{ code: string; inputs: string[] }> {
  const out = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'nlkit',
    conditions: ['@nlkit/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: out.outputFiles[0]!.text, inputs: Object.keys(out.metafile.inputs) };
}

describe('browser bundle', () => {
  it('bundles @nlkit/core and @nlkit/rtnl with no Node built-ins', async () => {
    const entry = 'test/fixtures-browser-entry.ts';
    const { code, inputs } = await bundle(entry);
    expect(inputs.every((i) => i.startsWith('packages/core/src/') || i.startsWith('packages/rtnl/src/') || i === entry)).toBe(true);
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);

    // A context with browser-shared globals only: no process, Buffer or require.
    const ctx = createContext({ TextEncoder, TextDecoder, Uint8Array, DataView, ArrayBuffer });
    runInContext(code, ctx);
    const result = runInContext('nlkit.roundTrip()', ctx) as { name: string; ifname: string; mtu: number; same: boolean; nodeGlobals: string[] };
    expect(result).toEqual({ name: 'RTM_NEWLINK', ifname: 'eth0', mtu: 1500, same: true, nodeGlobals: [] });
  });
});
