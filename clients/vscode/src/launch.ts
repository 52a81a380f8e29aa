// Which command starts the server: the interpreter's resolution and the command line for each
// import strategy. No `vscode` import here: the unit tests run this module under plain Node.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { LaunchSettings } from './settings';

/** The oldest Python archrules runs on. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

export type InterpreterSource = 'setting' | 'python-extension' | 'path';

export interface Interpreter {
  path: string;
  source: InterpreterSource;
}

export interface ProbeResult {
  /** major, minor, micro */
  version: [number, number, number];
  /** Can the interpreter import archrules on its own (without the bundled copy)? */
  hasArchrules: boolean;
}

/** Runs the interpreter once and says what it is; rejects when it cannot be run. */
export type Probe = (python: string, env: NodeJS.ProcessEnv) => Promise<ProbeResult>;

export interface LaunchInputs {
  settings: LaunchSettings;
  /** The Python extension's active interpreter, when it is installed and has one. */
  pythonExtensionInterpreter?: string;
  /** The extension's `bundled/libs`, when this build carries one. */
  bundledLibs?: string;
  /** The first workspace folder's path, for `${workspaceFolder}` in settings. */
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Finds a program on the PATH. */
  which: (program: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform) => string | undefined;
  probe: Probe;
}

export type LaunchKind = 'command' | 'bundled' | 'environment';

export interface ServerLaunch {
  kind: LaunchKind;
  command: string;
  args: string[];
  /** The whole environment of the server process. */
  env: NodeJS.ProcessEnv;
  interpreter?: Interpreter & { version: string };
  /** One line for the output channel: what runs and why. */
  description: string;
  /** Things worth a line in the output channel (a fallback taken, a candidate skipped). */
  notes: string[];
}

export class LaunchError extends Error {
  constructor(
    message: string,
    /** The setting that fixes it, for the notification's "Open settings" button. */
    readonly setting: string,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

/** `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`, as VS Code users write them. */
export function expandVariables(value: string, workspaceFolder: string | undefined, env: NodeJS.ProcessEnv): string {
  let result = value.replace(
    /\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g,
    (whole: string, name: string, envName: string | undefined) => {
      if (name === 'workspaceFolder') return workspaceFolder ?? whole;
      if (name === 'userHome') return os.homedir();
      return (envName && env[envName]) ?? '';
    },
  );
  if (result === '~' || result.startsWith('~/')) result = os.homedir() + result.slice(1);
  return result;
}

const SOURCE_WORDS: Record<InterpreterSource, string> = {
  setting: 'archrules.interpreter',
  'python-extension': "the Python extension's active interpreter",
  path: 'the PATH',
};

function versionText(v: [number, number, number]): string {
  return v.join('.');
}

function tooOld(v: [number, number, number]): boolean {
  return v[0] < MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] < MIN_PYTHON[1]);
}

/** The interpreters to try, in order: an explicit setting alone, else the Python extension's, then PATH. */
export function interpreterCandidates(inputs: LaunchInputs): Interpreter[] {
  const { settings, workspaceFolder, env, platform } = inputs;
  if (settings.interpreter !== '') {
    return [{ path: expandVariables(settings.interpreter, workspaceFolder, env), source: 'setting' }];
  }
  const candidates: Interpreter[] = [];
  if (inputs.pythonExtensionInterpreter) {
    candidates.push({ path: inputs.pythonExtensionInterpreter, source: 'python-extension' });
  }
  const names = platform === 'win32' ? ['python.exe', 'py.exe'] : ['python3', 'python'];
  for (const name of names) {
    const found = inputs.which(name, env, platform);
    if (found && !candidates.some((c) => c.path === found)) {
      candidates.push({ path: found, source: 'path' });
      break;
    }
  }
  return candidates;
}

/** The environment of a server run by an interpreter; `libs` goes first on PYTHONPATH. */
export function serverEnv(
  base: NodeJS.ProcessEnv,
  libs: string | undefined,
  platform: NodeJS.Platform,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: '1', PYTHONSAFEPATH: '1' };
  if (libs !== undefined) {
    const delimiter = platform === 'win32' ? ';' : ':';
    env.PYTHONPATH = base.PYTHONPATH ? `${libs}${delimiter}${base.PYTHONPATH}` : libs;
    env.PYTHONNOUSERSITE = '1';
  }
  return env;
}

/**
 * Decides how to start the server.
 *
 * - `archrules.path` set: that command, as it is.
 * - else an interpreter: `archrules.interpreter`; else the Python extension's active one; else
 *   `python3` on the PATH (the first of these that runs and is new enough), started as
 *   `<python> -m archrules server`,
 *   - `useBundled`: with PYTHONPATH=bundled/libs (the environment's own archrules if this
 *     build carries no bundled copy);
 *   - `fromEnvironment`: the interpreter's installed archrules (the bundled copy if it has none).
 *
 * Rejects with a LaunchError that names the setting to change.
 */
export async function resolveLaunch(inputs: LaunchInputs): Promise<ServerLaunch> {
  const { settings, env, platform } = inputs;
  const notes: string[] = [];

  if (settings.path.length > 0) {
    const [program, ...args] = settings.path.map((part) => expandVariables(part, inputs.workspaceFolder, env));
    return {
      kind: 'command',
      command: program,
      args,
      env: { ...env, PYTHONUNBUFFERED: '1' },
      description: `${[program, ...args].join(' ')} (from archrules.path)`,
      notes,
    };
  }

  const candidates = interpreterCandidates(inputs);
  if (candidates.length === 0) {
    throw new LaunchError(
      'archrules: no Python interpreter found (no archrules.interpreter setting, no active interpreter in the ' +
        `Python extension, no ${platform === 'win32' ? 'python.exe' : 'python3'} on the PATH). ` +
        `Set archrules.interpreter to a Python ${MIN_PYTHON.join('.')}+ interpreter.`,
      'archrules.interpreter',
    );
  }

  const failures: string[] = [];
  for (const candidate of candidates) {
    let probe: ProbeResult;
    try {
      probe = await inputs.probe(candidate.path, env);
    } catch (error) {
      failures.push(`${candidate.path} (from ${SOURCE_WORDS[candidate.source]}) could not be run: ${describe(error)}`);
      continue;
    }
    if (tooOld(probe.version)) {
      failures.push(
        `${candidate.path} (from ${SOURCE_WORDS[candidate.source]}) is Python ${versionText(probe.version)}; ` +
          `archrules needs ${MIN_PYTHON.join('.')} or newer`,
      );
      continue;
    }
    if (failures.length > 0) notes.push(...failures.map((f) => `skipped: ${f}`));
    return launchWith(inputs, { ...candidate, version: versionText(probe.version) }, probe, notes);
  }

  throw new LaunchError(
    `archrules: ${failures.join('; ')}. Set archrules.interpreter to a working Python ${MIN_PYTHON.join('.')}+ interpreter.`,
    'archrules.interpreter',
  );
}

function launchWith(
  inputs: LaunchInputs,
  interpreter: Interpreter & { version: string },
  probe: ProbeResult,
  notes: string[],
): ServerLaunch {
  const { settings, bundledLibs, env, platform } = inputs;
  const args = ['-m', 'archrules', 'server'];
  const who = `${interpreter.path} (Python ${interpreter.version}, from ${SOURCE_WORDS[interpreter.source]})`;
  const bundled = (why: string): ServerLaunch => ({
    kind: 'bundled',
    command: interpreter.path,
    args,
    env: serverEnv(env, bundledLibs, platform),
    interpreter,
    description: `${who} -m archrules server, with the bundled archrules in ${bundledLibs}${why}`,
    notes,
  });
  const environment = (why: string): ServerLaunch => ({
    kind: 'environment',
    command: interpreter.path,
    args,
    env: serverEnv(env, undefined, platform),
    interpreter,
    description: `${who} -m archrules server, with the environment's archrules${why}`,
    notes,
  });

  if (settings.importStrategy === 'useBundled') {
    if (bundledLibs !== undefined) return bundled('');
    if (probe.hasArchrules) {
      notes.push("this build of the extension carries no bundled archrules: using the environment's");
      return environment(' (no bundled copy in this build)');
    }
    throw new LaunchError(
      `archrules: this build of the extension carries no bundled archrules, and ${interpreter.path} has none ` +
        'installed. Install it there (pip install archrules) or choose another interpreter.',
      'archrules.interpreter',
    );
  }

  if (probe.hasArchrules) return environment('');
  if (bundledLibs !== undefined) {
    notes.push(`archrules is not installed in ${interpreter.path}: using the bundled copy`);
    return bundled(' (archrules.importStrategy is fromEnvironment, but the environment has no archrules)');
  }
  throw new LaunchError(
    `archrules: archrules is not installed in ${interpreter.path}. Install it there (pip install archrules), ` +
      'or set archrules.importStrategy to useBundled.',
    'archrules.importStrategy',
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0];
  return String(error);
}

// ---- default implementations of the injected functions ----

/** Finds a program on the PATH, like `which`. */
export function which(program: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const pathVar = env.PATH ?? env.Path ?? '';
  const delimiter = platform === 'win32' ? ';' : ':';
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, program);
    try {
      const stat = fs.statSync(candidate);
      if (!stat.isFile()) continue;
      if (platform !== 'win32') fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The Python run by `probe`: prints the version and whether archrules can be imported. */
export const PROBE_SCRIPT =
  'import importlib.util, json, sys; ' +
  'print(json.dumps({"version": list(sys.version_info[:3]), ' +
  '"archrules": importlib.util.find_spec("archrules") is not None}))';

/** Parses what PROBE_SCRIPT printed (the last line holding JSON: a sitecustomize may print too). */
export function parseProbeOutput(stdout: string): ProbeResult {
  const lines = stdout.split(/\r?\n/).filter((line) => line.trim().startsWith('{'));
  if (lines.length === 0) throw new Error(`unexpected output: ${JSON.stringify(stdout.slice(0, 200))}`);
  const data = JSON.parse(lines[lines.length - 1]) as { version?: unknown; archrules?: unknown };
  const v = data.version;
  if (!Array.isArray(v) || v.length < 2 || !v.every((n) => typeof n === 'number')) {
    throw new Error(`unexpected output: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return { version: [v[0], v[1], v[2] ?? 0], hasArchrules: data.archrules === true };
}

/** Runs the interpreter with PROBE_SCRIPT, at most `timeoutMs`. */
export function makeProbe(timeoutMs = 15000): Probe {
  return (python, env) =>
    new Promise((resolve, reject) => {
      // The same environment as a server that uses the environment's archrules.
      const probeEnv = serverEnv(env, undefined, process.platform);
      execFile(
        python,
        ['-c', PROBE_SCRIPT],
        { env: probeEnv, timeout: timeoutMs, windowsHide: true },
        (error, stdout, stderr) => {
          if (error) {
            const detail = (stderr || '').trim().split('\n').pop();
            reject(new Error(detail ? `${error.message.split('\n')[0]}: ${detail}` : error.message));
            return;
          }
          try {
            resolve(parseProbeOutput(stdout));
          } catch (parseError) {
            reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
          }
        },
      );
    });
}
