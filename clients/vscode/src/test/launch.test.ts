import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
  expandVariables,
  interpreterCandidates,
  LaunchError,
  type LaunchInputs,
  makeProbe,
  parseProbeOutput,
  type ProbeResult,
  resolveLaunch,
  serverEnv,
  which,
} from '../launch';
import type { LaunchSettings } from '../settings';

const BUNDLE = '/ext/bundled/libs';

function inputs(
  overrides: Partial<Omit<LaunchInputs, 'settings'>> & { settings?: Partial<LaunchSettings> } = {},
): LaunchInputs {
  const { settings, ...rest } = overrides;
  return {
    settings: { path: [], interpreter: '', importStrategy: 'useBundled', ...settings },
    bundledLibs: BUNDLE,
    env: { PATH: '/usr/bin', HOME: '/home/u' },
    platform: 'linux',
    which: (program) => (program === 'python3' ? '/usr/bin/python3' : undefined),
    probe: async () => ({ version: [3, 12, 1], hasArchrules: true }),
    ...rest,
  };
}

/** A probe that knows a few interpreters and fails for the others, recording its calls. */
function fakeProbe(known: Record<string, ProbeResult>) {
  const calls: string[] = [];
  const probe = async (python: string) => {
    calls.push(python);
    const result = known[python];
    if (!result) throw new Error(`spawn ${python} ENOENT`);
    return result;
  };
  return { probe, calls };
}

describe('resolveLaunch: archrules.path', () => {
  it('runs the command as given, and wins over everything else', async () => {
    const { probe, calls } = fakeProbe({});
    const launch = await resolveLaunch(
      inputs({
        settings: {
          path: ['/v/bin/archrules', 'server', '--log', 'x'],
          interpreter: '/py',
          importStrategy: 'fromEnvironment',
        },
        probe,
      }),
    );
    assert.equal(launch.kind, 'command');
    assert.equal(launch.command, '/v/bin/archrules');
    assert.deepEqual(launch.args, ['server', '--log', 'x']);
    assert.equal(launch.env.PYTHONPATH, undefined);
    assert.deepEqual(calls, [], 'no interpreter is probed');
    assert.match(launch.description, /archrules\.path/);
  });

  it('expands ${workspaceFolder} and ~ in it', async () => {
    const launch = await resolveLaunch(
      inputs({ settings: { path: ['${workspaceFolder}/.venv/bin/archrules', 'server'] }, workspaceFolder: '/w/shop' }),
    );
    assert.equal(launch.command, '/w/shop/.venv/bin/archrules');
  });
});

describe('resolveLaunch: useBundled (the default)', () => {
  it('runs python3 from the PATH with the bundled libs first on PYTHONPATH', async () => {
    const launch = await resolveLaunch(inputs({ env: { PATH: '/usr/bin', PYTHONPATH: '/mine' } }));
    assert.equal(launch.kind, 'bundled');
    assert.equal(launch.command, '/usr/bin/python3');
    assert.deepEqual(launch.args, ['-m', 'archrules', 'server']);
    assert.equal(launch.env.PYTHONPATH, `${BUNDLE}:/mine`);
    assert.equal(launch.env.PYTHONNOUSERSITE, '1');
    assert.equal(launch.interpreter?.source, 'path');
    assert.equal(launch.interpreter?.version, '3.12.1');
  });

  it("prefers the Python extension's interpreter to the PATH", async () => {
    const { probe } = fakeProbe({ '/proj/.venv/bin/python': { version: [3, 11, 0], hasArchrules: false } });
    const launch = await resolveLaunch(inputs({ pythonExtensionInterpreter: '/proj/.venv/bin/python', probe }));
    assert.equal(launch.command, '/proj/.venv/bin/python');
    assert.equal(launch.interpreter?.source, 'python-extension');
    assert.equal(launch.kind, 'bundled');
  });

  it("falls back to the PATH when the Python extension's interpreter is broken, with a note", async () => {
    const { probe, calls } = fakeProbe({ '/usr/bin/python3': { version: [3, 11, 2], hasArchrules: false } });
    const launch = await resolveLaunch(inputs({ pythonExtensionInterpreter: '/gone/python', probe }));
    assert.deepEqual(calls, ['/gone/python', '/usr/bin/python3']);
    assert.equal(launch.command, '/usr/bin/python3');
    assert.match(launch.notes.join('\n'), /skipped: \/gone\/python/);
  });

  it('uses archrules.interpreter alone: no fallback from an explicit setting', async () => {
    const { probe, calls } = fakeProbe({ '/usr/bin/python3': { version: [3, 11, 2], hasArchrules: true } });
    await assert.rejects(
      resolveLaunch(
        inputs({ settings: { interpreter: '/nope/python' }, pythonExtensionInterpreter: '/usr/bin/python3', probe }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof LaunchError);
        assert.equal(error.setting, 'archrules.interpreter');
        assert.match(error.message, /\/nope\/python \(from archrules\.interpreter\) could not be run/);
        return true;
      },
    );
    assert.deepEqual(calls, ['/nope/python']);
  });

  it('expands variables in archrules.interpreter', async () => {
    const launch = await resolveLaunch(
      inputs({ settings: { interpreter: '${workspaceFolder}/.venv/bin/python' }, workspaceFolder: '/w' }),
    );
    assert.equal(launch.command, '/w/.venv/bin/python');
    assert.equal(launch.interpreter?.source, 'setting');
  });

  it('uses the environment when this build has no bundled copy and the environment has archrules', async () => {
    const launch = await resolveLaunch(inputs({ bundledLibs: undefined }));
    assert.equal(launch.kind, 'environment');
    assert.equal(launch.env.PYTHONPATH, undefined);
    assert.match(launch.notes.join('\n'), /no bundled archrules/);
  });

  it('fails clearly with no bundled copy and no archrules in the environment', async () => {
    await assert.rejects(
      resolveLaunch(
        inputs({ bundledLibs: undefined, probe: async () => ({ version: [3, 12, 0], hasArchrules: false }) }),
      ),
      /carries no bundled archrules.*pip install archrules/,
    );
  });
});

describe('resolveLaunch: fromEnvironment', () => {
  it("runs the environment's archrules, PYTHONPATH untouched", async () => {
    const launch = await resolveLaunch(
      inputs({
        settings: { importStrategy: 'fromEnvironment', interpreter: '/v/bin/python' },
        env: { PATH: '/usr/bin', PYTHONPATH: '/mine' },
      }),
    );
    assert.equal(launch.kind, 'environment');
    assert.equal(launch.command, '/v/bin/python');
    assert.deepEqual(launch.args, ['-m', 'archrules', 'server']);
    assert.equal(launch.env.PYTHONPATH, '/mine');
    assert.equal(launch.env.PYTHONNOUSERSITE, undefined);
  });

  it('falls back to the bundled copy when the environment has no archrules', async () => {
    const launch = await resolveLaunch(
      inputs({
        settings: { importStrategy: 'fromEnvironment' },
        probe: async () => ({ version: [3, 10, 0], hasArchrules: false }),
      }),
    );
    assert.equal(launch.kind, 'bundled');
    assert.equal(launch.env.PYTHONPATH, BUNDLE);
    assert.match(launch.notes.join('\n'), /not installed/);
  });

  it('fails, naming importStrategy, with neither', async () => {
    await assert.rejects(
      resolveLaunch(
        inputs({
          settings: { importStrategy: 'fromEnvironment' },
          bundledLibs: undefined,
          probe: async () => ({ version: [3, 12, 0], hasArchrules: false }),
        }),
      ),
      (error: unknown) => error instanceof LaunchError && error.setting === 'archrules.importStrategy',
    );
  });
});

describe('resolveLaunch: no usable interpreter', () => {
  it('fails with no interpreter anywhere', async () => {
    await assert.rejects(resolveLaunch(inputs({ which: () => undefined })), (error: unknown) => {
      assert.ok(error instanceof LaunchError);
      assert.equal(error.setting, 'archrules.interpreter');
      assert.match(error.message, /no Python interpreter found/);
      return true;
    });
  });

  it('refuses a Python older than 3.10', async () => {
    await assert.rejects(
      resolveLaunch(inputs({ probe: async () => ({ version: [3, 8, 10], hasArchrules: true }) })),
      /is Python 3\.8\.10; archrules needs 3\.10 or newer/,
    );
  });
});

describe('interpreterCandidates', () => {
  it('lists the Python extension first, then one from the PATH, without duplicates', () => {
    assert.deepEqual(
      interpreterCandidates(inputs({ pythonExtensionInterpreter: '/usr/bin/python3' })).map((c) => c.path),
      ['/usr/bin/python3'],
    );
    assert.deepEqual(
      interpreterCandidates(inputs({ pythonExtensionInterpreter: '/v/python' })).map((c) => c.source),
      ['python-extension', 'path'],
    );
  });

  it('falls back to `python` when there is no python3', () => {
    const found = interpreterCandidates(inputs({ which: (p) => (p === 'python' ? '/opt/bin/python' : undefined) }));
    assert.deepEqual(found, [{ path: '/opt/bin/python', source: 'path' }]);
  });

  it('looks for python.exe on Windows', () => {
    const asked: string[] = [];
    interpreterCandidates(inputs({ platform: 'win32', which: (p) => (asked.push(p), undefined) }));
    assert.deepEqual(asked, ['python.exe', 'py.exe']);
  });
});

describe('serverEnv', () => {
  it('uses ; on Windows', () => {
    assert.equal(serverEnv({ PYTHONPATH: 'C:\\a' }, 'C:\\libs', 'win32').PYTHONPATH, 'C:\\libs;C:\\a');
  });
  it('leaves PYTHONPATH alone without libs, and never edits its input', () => {
    const base = { PYTHONPATH: '/a' };
    const env = serverEnv(base, undefined, 'linux');
    assert.equal(env.PYTHONPATH, '/a');
    assert.equal(env.PYTHONUNBUFFERED, '1');
    assert.deepEqual(base, { PYTHONPATH: '/a' });
  });
});

describe('expandVariables', () => {
  it('expands workspaceFolder, userHome, env and ~', () => {
    assert.equal(expandVariables('${workspaceFolder}/x', '/w', {}), '/w/x');
    assert.equal(expandVariables('${userHome}/x', undefined, {}), `${os.homedir()}/x`);
    assert.equal(expandVariables('${env:VENV}/bin/python', undefined, { VENV: '/v' }), '/v/bin/python');
    assert.equal(expandVariables('~/py', undefined, {}), `${os.homedir()}/py`);
    assert.equal(expandVariables('${workspaceFolder}/x', undefined, {}), '${workspaceFolder}/x');
  });
});

describe('parseProbeOutput', () => {
  it('reads the last JSON line', () => {
    assert.deepEqual(parseProbeOutput('hello from sitecustomize\n{"version": [3, 11, 7], "archrules": true}\n'), {
      version: [3, 11, 7],
      hasArchrules: true,
    });
  });
  it('rejects anything else', () => {
    assert.throws(() => parseProbeOutput('Python 2.7'), /unexpected output/);
    assert.throws(() => parseProbeOutput('{"version": "3.11"}'), /unexpected output/);
  });
});

describe('which and makeProbe against this machine', () => {
  it('finds an executable on a PATH and skips non-executables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archrules-which-'));
    try {
      fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'data'), '', { mode: 0o644 });
      assert.equal(which('tool', { PATH: `/nonexistent:${dir}` }, 'linux'), path.join(dir, 'tool'));
      assert.equal(which('data', { PATH: dir }, 'linux'), undefined);
      assert.equal(which('tool', { PATH: '' }, 'linux'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const python = which('python3', process.env, process.platform);
  it('probes a real interpreter', { skip: python === undefined ? 'no python3 on the PATH' : false }, async () => {
    const result = await makeProbe()(python as string, process.env);
    assert.ok(result.version[0] >= 3);
    assert.equal(typeof result.hasArchrules, 'boolean');
  });

  it('rejects a program that is not there', async () => {
    await assert.rejects(makeProbe()('/nonexistent/python3', process.env), /ENOENT/);
  });

  it('rejects a program that is no Python', async () => {
    await assert.rejects(makeProbe()('/bin/false', process.env));
  });
});
