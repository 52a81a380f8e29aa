// Puts archrules and its pure-Python dependencies into bundled/libs, for the extension's
// default import strategy (useBundled): `<python> -m archrules server` with PYTHONPATH=bundled/libs.
//
// archrules is built from this repository's sources; its dependencies come from PyPI as
// wheels chosen for Python 3.10 (the oldest archrules runs on), so that the backports it needs
// there (tomli, exceptiongroup) are in too. Only pure-Python wheels
// (`py3-none-any`) are accepted: one copy serves every platform and Python version.
//
// Usage: node scripts/bundle-python.mjs   (PYTHON=... picks the interpreter that runs pip)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const repoRoot = path.resolve(extensionDir, '..', '..');
const target = path.join(extensionDir, 'bundled', 'libs');
const python = process.env.PYTHON || 'python3';

function run(args, what) {
  console.log(`bundle-python: ${what}`);
  const env = { ...process.env, PIP_ROOT_USER_ACTION: 'ignore', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const result = spawnSync(python, args, { stdio: 'inherit', timeout: 10 * 60 * 1000, env });
  if (result.error) {
    console.error(`bundle-python: could not run ${python}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`bundle-python: failed: ${python} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'archrules-bundle-'));
const wheels = path.join(work, 'wheels');
const source = path.join(work, 'source');
try {
  fs.rmSync(path.join(extensionDir, 'bundled'), { recursive: true, force: true });
  // Build from a copy of the sources: setuptools writes build/ and *.egg-info where it builds.
  fs.mkdirSync(source);
  for (const name of ['pyproject.toml', 'README.md', 'LICENSE', 'server']) {
    const from = path.join(repoRoot, name);
    if (fs.existsSync(from)) {
      fs.cpSync(from, path.join(source, name), {
        recursive: true,
        filter: (p) => !/(__pycache__|\.egg-info)$/.test(p),
      });
    }
  }
  run(
    ['-m', 'pip', 'wheel', '--quiet', '--no-deps', '--wheel-dir', wheels, source],
    `building archrules from ${repoRoot}`,
  );
  const wheel = fs.readdirSync(wheels).find((name) => name.startsWith('archrules-') && name.endsWith('.whl'));
  if (!wheel) {
    console.error('bundle-python: pip built no archrules wheel');
    process.exit(1);
  }
  run(
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-compile',
      '--target',
      target,
      '--python-version',
      '3.10',
      '--implementation',
      'py',
      '--abi',
      'none',
      '--platform',
      'any',
      '--only-binary',
      ':all:',
      path.join(wheels, wheel),
      // Needed on Python 3.10 only; pip decides markers by the running interpreter, so name them.
      'tomli',
      'exceptiongroup',
    ],
    `installing ${wheel} and its dependencies into ${path.relative(extensionDir, target)}`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

// Console scripts carry the build machine's interpreter path: the extension never runs them.
fs.rmSync(path.join(target, 'bin'), { recursive: true, force: true });
for (const entry of fs.readdirSync(target, { recursive: true })) {
  if (path.basename(String(entry)) === '__pycache__') {
    fs.rmSync(path.join(target, String(entry)), { recursive: true, force: true });
  }
}
if (!fs.existsSync(path.join(target, 'archrules', '__init__.py'))) {
  console.error('bundle-python: archrules is missing from bundled/libs');
  process.exit(1);
}
const names = fs
  .readdirSync(target)
  .filter((n) => n.endsWith('.dist-info'))
  .map((n) => n.replace(/\.dist-info$/, ''));
console.log(`bundle-python: bundled ${names.sort().join(', ')}`);
