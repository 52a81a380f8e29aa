import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_SERVER_SETTINGS,
  initializationOptions,
  LAUNCH_SETTINGS,
  type Problem,
  readLaunchSettings,
  readServerSettings,
  sameSettings,
} from '../settings';

/** A settings source like a WorkspaceConfiguration: undefined for what is not set. */
function source(values: Record<string, unknown>) {
  return { get: (key: string) => values[key] };
}

describe('readServerSettings', () => {
  it('gives the defaults when nothing is set', () => {
    assert.deepEqual(readServerSettings(source({})), DEFAULT_SERVER_SETTINGS);
  });

  it('takes every valid value', () => {
    const problems: Problem[] = [];
    const settings = readServerSettings(
      source({
        enable: false,
        baseline: false,
        logLevel: 'debug',
        severity: { 'no-cycles': 'error', 'pure-core': 'hint' },
      }),
      problems,
    );
    assert.deepEqual(settings, {
      enable: false,
      baseline: false,
      logLevel: 'debug',
      severity: { 'no-cycles': 'error', 'pure-core': 'hint' },
    });
    assert.deepEqual(problems, []);
  });

  it('drops invalid values one by one, keeps the rest, and says why', () => {
    const problems: Problem[] = [];
    const settings = readServerSettings(
      source({ enable: 'yes', logLevel: 'loud', severity: { good: 'warning', bad: 'fatal', worse: 3 } }),
      problems,
    );
    assert.equal(settings.enable, true);
    assert.equal(settings.logLevel, 'info');
    assert.deepEqual(settings.severity, { good: 'warning' });
    assert.deepEqual(
      problems.map((p) => p.setting),
      ['archrules.enable', 'archrules.logLevel', 'archrules.severity', 'archrules.severity'],
    );
    assert.match(problems[2].message, /"bad"/);
  });

  it('rejects a severity that is not an object', () => {
    const problems: Problem[] = [];
    assert.deepEqual(readServerSettings(source({ severity: ['error'] }), problems).severity, {});
    assert.equal(problems.length, 1);
  });

  it('never shares the default severity object between results', () => {
    const a = readServerSettings(source({}));
    a.severity.x = 'error';
    assert.deepEqual(readServerSettings(source({})).severity, {});
    assert.deepEqual(DEFAULT_SERVER_SETTINGS.severity, {});
  });
});

describe('initializationOptions', () => {
  it('is the server settings object, flat, with the keys the server reads', () => {
    const settings = readServerSettings(source({ enable: false, severity: { 'no-cycles': 'info' } }));
    const options = initializationOptions(settings);
    assert.deepEqual(options, { enable: false, severity: { 'no-cycles': 'info' }, baseline: true, logLevel: 'info' });
    assert.deepEqual(Object.keys(options).sort(), ['baseline', 'enable', 'logLevel', 'severity']);
  });

  it('carries no launch settings (path, interpreter, importStrategy) nor trace', () => {
    const options = initializationOptions(
      readServerSettings(
        source({ path: ['x'], interpreter: '/py', importStrategy: 'fromEnvironment', trace: { server: 'verbose' } }),
      ),
    );
    for (const key of [...LAUNCH_SETTINGS, 'trace']) assert.equal(key in options, false, key);
  });

  it('is a copy: changing it leaves the settings alone', () => {
    const settings = readServerSettings(source({ severity: { a: 'error' } }));
    const options = initializationOptions(settings);
    options.severity.b = 'hint';
    assert.deepEqual(settings.severity, { a: 'error' });
  });

  it('survives JSON (what travels to the server)', () => {
    const settings = readServerSettings(source({ severity: { a: 'error' }, logLevel: 'warning' }));
    assert.deepEqual(JSON.parse(JSON.stringify(initializationOptions(settings))), settings);
  });
});

describe('sameSettings', () => {
  it('ignores the order of severity keys', () => {
    const a = readServerSettings(source({ severity: { a: 'error', b: 'hint' } }));
    const b = readServerSettings(source({ severity: { b: 'hint', a: 'error' } }));
    assert.equal(sameSettings(a, b), true);
    assert.equal(sameSettings(a, readServerSettings(source({}))), false);
  });
});

describe('readLaunchSettings', () => {
  it('defaults: no path, no interpreter, useBundled', () => {
    assert.deepEqual(readLaunchSettings(source({})), { path: [], interpreter: '', importStrategy: 'useBundled' });
  });

  it('takes an array path, an interpreter and a strategy', () => {
    assert.deepEqual(
      readLaunchSettings(
        source({
          path: ['/v/bin/archrules', 'server'],
          interpreter: ' /usr/bin/python3 ',
          importStrategy: 'fromEnvironment',
        }),
      ),
      { path: ['/v/bin/archrules', 'server'], interpreter: '/usr/bin/python3', importStrategy: 'fromEnvironment' },
    );
  });

  it('takes a single string path as the program, and says so', () => {
    const problems: Problem[] = [];
    assert.deepEqual(readLaunchSettings(source({ path: '/v/bin/archrules' }), problems).path, ['/v/bin/archrules']);
    assert.equal(problems[0].setting, 'archrules.path');
  });

  it('treats [""] as unset', () => {
    assert.deepEqual(readLaunchSettings(source({ path: [''] })).path, []);
  });

  it('rejects a path with non-strings and an unknown strategy', () => {
    const problems: Problem[] = [];
    const settings = readLaunchSettings(source({ path: ['a', 1], importStrategy: 'bundled' }), problems);
    assert.deepEqual(settings.path, []);
    assert.equal(settings.importStrategy, 'useBundled');
    assert.deepEqual(
      problems.map((p) => p.setting),
      ['archrules.path', 'archrules.importStrategy'],
    );
  });
});
