import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { activeInterpreter, environmentsApi, type PythonEnvironmentsApi, withTimeout } from '../pythonExtension';

/**
 * A Python extension's environments API as it may answer at run time: the published types
 * promise full objects, an older or odd extension gives less (no path, no executable, nothing).
 */
function fake(api: object): PythonEnvironmentsApi {
  return api;
}

/** A resource as the extension passes one (a workspace folder's Uri); only its identity matters. */
const FOLDER = { fsPath: '/w' } as unknown as Parameters<typeof activeInterpreter>[1];

describe('environmentsApi', () => {
  it('finds the environments API in the exports', () => {
    const api = { getActiveEnvironmentPath: () => undefined };
    assert.equal(environmentsApi({ environments: api }), api);
  });

  it('is undefined for exports without it (an old Python extension, or none)', () => {
    assert.equal(environmentsApi(undefined), undefined);
    assert.equal(environmentsApi(null), undefined);
    assert.equal(environmentsApi({}), undefined);
    assert.equal(environmentsApi({ environments: {} }), undefined);
    assert.equal(environmentsApi({ environments: { getActiveEnvironmentPath: 'no' } }), undefined);
  });
});

describe('activeInterpreter', () => {
  it("returns the resolved executable's path", async () => {
    const seen: unknown[] = [];
    const api = fake({
      getActiveEnvironmentPath: (resource: unknown) => (seen.push(resource), { id: 'venv', path: '/w/.venv' }),
      resolveEnvironment: async () => ({ executable: { uri: { fsPath: '/w/.venv/bin/python' } } }),
    });
    assert.equal(await activeInterpreter(api, FOLDER), '/w/.venv/bin/python');
    assert.deepEqual(seen, [FOLDER]);
  });

  it('falls back to the path when resolution gives nothing, fails or hangs', async () => {
    const base = { getActiveEnvironmentPath: () => ({ id: 'x', path: '/usr/bin/python3' }) };
    assert.equal(
      await activeInterpreter(fake({ ...base, resolveEnvironment: async () => undefined }), undefined),
      '/usr/bin/python3',
    );
    assert.equal(
      await activeInterpreter(fake({ ...base, resolveEnvironment: async () => ({ executable: {} }) }), undefined),
      '/usr/bin/python3',
    );
    const logs: string[] = [];
    assert.equal(
      await activeInterpreter(
        { ...base, resolveEnvironment: async () => Promise.reject(new Error('boom')) },
        undefined,
        1000,
        (m) => logs.push(m),
      ),
      '/usr/bin/python3',
    );
    assert.match(logs[0], /boom/);
    const hang = { ...base, resolveEnvironment: () => new Promise<undefined>(() => undefined) };
    assert.equal(await activeInterpreter(hang, undefined, 50), '/usr/bin/python3');
    assert.equal(await activeInterpreter(base, undefined), '/usr/bin/python3');
  });

  it('is undefined with no active environment', async () => {
    assert.equal(await activeInterpreter(fake({ getActiveEnvironmentPath: () => undefined }), undefined), undefined);
    assert.equal(
      await activeInterpreter(
        fake({ getActiveEnvironmentPath: () => ({ id: 'conda' }), resolveEnvironment: async () => undefined }),
        undefined,
      ),
      undefined,
    );
  });
});

describe('withTimeout', () => {
  it('passes values and errors through, and times out', async () => {
    assert.equal(await withTimeout(Promise.resolve(3), 100, 'x'), 3);
    assert.equal(await withTimeout(4, 100, 'x'), 4);
    await assert.rejects(withTimeout(Promise.reject(new Error('no')), 100, 'x'), /no/);
    await assert.rejects(withTimeout(new Promise(() => undefined), 20, 'slow thing'), /slow thing: no answer/);
  });
});
