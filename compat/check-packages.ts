/**
 * `pnpm --dir compat check [-- --fix]`: checks every published package (each non-private
 * packages/<name>/package.json, so packages added later are covered) as npm users get it.
 *
 * 1. The manifest: Apache-2.0 with the LICENSE file, `engines.node >=22`, repository (with its
 *    directory, so README links resolve on npm), homepage, bugs, keywords, `files` without source
 *    maps, a `publishConfig.exports` that is `exports` without the workspace-only
 *    `@bedrock-embeddings/source` condition (pnpm swaps it in at pack time), and `typesVersions` for
 *    every subpath export (TypeScript's `node10` resolution ignores `exports`).
 *    `--fix` writes whatever is derived (all but keywords).
 * 2. The tarball (`pnpm pack`): the published manifest has no source condition and no `workspace:`
 *    range, every file it points at is packed, LICENSE is, no `.map` or `src/` is.
 * 3. `publint --strict` and `@arethetypeswrong/cli` on that tarball.
 *
 * Build first (`pnpm build`). Exits non-zero with every problem listed.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = 'https://github.com/bedrock-embeddings/bedrock-embeddings';
export const ENGINES = { node: '>=22' };
const SOURCE_CONDITION = '@bedrock-embeddings/source';

const root = fileURLToPath(new URL('..', import.meta.url));
const fix = process.argv.includes('--fix');
const skipTools = process.argv.includes('--manifests-only');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

type Json = Record<string, unknown>;

/** `exports` without the source condition, at any depth. */
export function withoutSourceCondition(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, inner]) => [key, withoutSourceCondition(inner)]),
  );
}

/** Every file path an exports map points at. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(exportTargets);
}

/** The published packages: every packages/<dir> whose manifest is not private. */
export function publishedPackages(): { dir: string; path: string; manifest: Json }[] {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir, path: join(root, 'packages', dir) }))
    .filter(({ path }) => existsSync(join(path, 'package.json')))
    .map((entry) => ({
      ...entry,
      manifest: JSON.parse(readFileSync(join(entry.path, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** The problems of one manifest; with `fix`, derived fields are rewritten first. */
function checkManifest(dir: string, path: string, manifest: Json): string[] {
  const problems: string[] = [];
  const exportsMap = manifest.exports as Json | undefined;
  const subpaths = Object.keys(exportsMap ?? {}).filter((key) => key !== '.' && key !== './package.json');
  const derived: Json = {
    license: 'Apache-2.0',
    engines: ENGINES,
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
    homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    files: [...new Set([...((manifest.files as string[]) ?? ['dist']), 'README.md', 'LICENSE'])].filter(
      (file) => !file.includes('.map'),
    ),
    publishConfig: {
      ...(manifest.publishConfig as Json),
      access: 'public',
      exports: withoutSourceCondition(exportsMap),
    },
    ...(subpaths.length === 0
      ? {}
      : {
          typesVersions: {
            '*': Object.fromEntries(
              subpaths.map((subpath) => {
                const types = exportTargets(
                  (exportsMap![subpath] as Json).import ?? exportsMap![subpath],
                ).find((target) => target.endsWith('.d.ts'));
                return [subpath.slice(2), [types ?? `./dist/${subpath.slice(2)}.d.ts`]];
              }),
            ),
          },
        }),
  };
  let changed = false;
  for (const [field, value] of Object.entries(derived)) {
    if (JSON.stringify(manifest[field]) === JSON.stringify(value)) continue;
    if (fix) {
      manifest[field] = value;
      changed = true;
    } else problems.push(`${field} should be ${JSON.stringify(value)}`);
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0)
    problems.push('keywords are missing');
  if (typeof manifest.description !== 'string') problems.push('description is missing');
  const licenseFile = join(path, 'LICENSE');
  if (!existsSync(licenseFile) || readFileSync(licenseFile, 'utf8') !== license) {
    if (fix) copyFileSync(join(root, 'LICENSE'), licenseFile);
    else problems.push('LICENSE is missing or differs from the repository LICENSE');
  }
  if (changed) writeFileSync(join(path, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return problems;
}

/** The problems of the packed tarball; returns its path for the tools. */
function checkTarball(path: string, out: string): { tarball: string; problems: string[] } {
  const before = new Set(readdirSync(out));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: path, stdio: 'pipe' });
  const name = readdirSync(out).find((file) => !before.has(file) && file.endsWith('.tgz'));
  if (name === undefined) throw new Error(`pnpm pack wrote no tarball for ${path}`);
  const tarball = join(out, name);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((file) => file.replace(/^package\//, ''));
  const published = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as Json;
  const problems: string[] = [];
  const text = JSON.stringify(published);
  if (text.includes(SOURCE_CONDITION)) problems.push(`the published manifest carries ${SOURCE_CONDITION}`);
  if (text.includes('"workspace:')) problems.push('the published manifest has a workspace: range');
  if (!files.includes('LICENSE')) problems.push('LICENSE is not packed');
  for (const file of files) {
    if (file.endsWith('.map')) problems.push(`${file}: source maps are not published`);
    if (file.startsWith('src/')) problems.push(`${file}: sources are not published`);
  }
  const bins =
    typeof published.bin === 'string' ? [published.bin] : Object.values((published.bin as Json) ?? {});
  const targets = [
    ...exportTargets(published.exports),
    published.main,
    published.module,
    published.types,
    ...bins,
  ];
  for (const target of targets) {
    if (typeof target !== 'string' || target === './package.json') continue;
    if (!files.includes(target.replace(/^\.\//, ''))) problems.push(`${target} is referenced but not packed`);
  }
  return { tarball, problems };
}

function run(command: string, args: string[]): string | undefined {
  try {
    execFileSync(command, args, { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    return `${command} ${args.join(' ')} failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = mkdtempSync(join(tmpdir(), 'bedrock-embeddings-pack-'));
  let failures = 0;
  try {
    for (const { dir, path, manifest } of publishedPackages()) {
      const problems = checkManifest(dir, path, manifest);
      if (!skipTools) {
        const packed = checkTarball(path, out);
        problems.push(...packed.problems);
        for (const tool of [
          ['publint', ['run', '--strict', packed.tarball]],
          // An ESM-only package (no `require` condition, e.g. a CLI) is checked as one.
          [
            'attw',
            [
              '--format',
              'ascii',
              ...(JSON.stringify(manifest.exports ?? {}).includes('"require"')
                ? []
                : ['--profile', 'esm-only']),
              packed.tarball,
            ],
          ],
        ] as const) {
          const failure = run(tool[0], [...tool[1]]);
          if (failure !== undefined) problems.push(failure);
        }
      }
      failures += problems.length;
      console.log(
        `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${manifest.name}${problems.map((p) => `\n  - ${p}`).join('')}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (failures > 0) {
    console.error(
      `${failures} packaging problem(s)${fix ? '' : '; `pnpm --dir compat check -- --fix` writes the derived fields'}`,
    );
    process.exit(1);
  }
}
