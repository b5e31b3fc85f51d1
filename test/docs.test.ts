/**
 * The API site (`pnpm run docs`, configured by typedoc.json) builds with no
 * warning and no error: every exported name of the strictly checked packages
 * is documented, every `{@link}` resolves, every type an export refers to is
 * exported (or listed as pending), and the guides in docs/ render.
 *
 * Builds into a temporary directory, so it never touches docs/api/. Takes
 * about a minute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A JSON-with-comments file of the repository, parsed. */
function readJsonc(path: string): Record<string, unknown> {
  const { config, error } = ts.parseConfigFileTextToJson(path, readFileSync(join(root, path), 'utf8'));
  if (error) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  return config as Record<string, unknown>;
}

/**
 * Workspace packages that are not in the API site yet, each with the reason.
 * Remove a package from here when it is added to typedoc.json. (Empty: every
 * package is in; `cli` with its library entry, its bin stays out.)
 */
const NOT_YET_DOCUMENTED: Record<string, string> = {};

describe('API documentation', () => {
  const out = mkdtempSync(join(tmpdir(), 'nlkit-api-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('covers every workspace package, and documents the program it checks', () => {
    const typedoc = readJsonc('typedoc.json');
    const entryPoints = (typedoc.entryPoints as string[]).map((p) => p.replace(/^packages\//, ''));
    const packages = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json')));
    const missing = packages.filter((p) => !entryPoints.includes(p) && !(p in NOT_YET_DOCUMENTED));
    expect(missing, 'packages neither in typedoc.json nor listed as not yet documented').toEqual([]);

    // docs/tsconfig.json compiles exactly the documented packages' sources.
    const include = (readJsonc('docs/tsconfig.json').include as string[]).map((p) => /^\.\.\/packages\/([^/]+)\/src\//.exec(p)?.[1]);
    expect([...include].sort()).toEqual([...entryPoints].sort());
  });

  it('builds with no warnings and no errors', () => {
    const result = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const log = `${result.stdout}\n${result.stderr}`;
    const problems = log.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
    expect(problems, log).toEqual([]);
    expect(result.status, log).toBe(0);

    // One module per package, and the guides as documents.
    const modules = readdirSync(join(out, 'modules'));
    for (const name of ['_nlkit_core', '_nlkit_rtnl', '_nlkit_transport', '_nlkit_live', '_nlkit_pcap', '_nlkit_testing', '_nlkit_client', '_nlkit_tc', '_nlkit_batch', '_nlkit_ndb', '_nlkit_cli']) {
      expect(modules.some((m) => m.startsWith(name)), name).toBe(true);
    }
    expect(readdirSync(join(out, 'documents')).length).toBeGreaterThanOrEqual(7);
  }, 180_000);
});
