// The extension's settings and what of them the server receives. No `vscode` import here:
// the unit tests run this module under plain Node.

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type LogLevel = 'error' | 'warning' | 'info' | 'debug';
export type ImportStrategy = 'useBundled' | 'fromEnvironment';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warning', 'info', 'debug'];

/** The settings that choose and start the server: changing one restarts it. */
export const LAUNCH_SETTINGS = ['path', 'interpreter', 'importStrategy'] as const;

/** The settings the server reads (initializationOptions and workspace/configuration). */
export interface ServerSettings {
  enable: boolean;
  severity: Record<string, Severity>;
  baseline: boolean;
  logLevel: LogLevel;
}

export interface LaunchSettings {
  /** The whole command that starts the server; empty: not set. */
  path: string[];
  /** A Python interpreter; empty: not set. */
  interpreter: string;
  importStrategy: ImportStrategy;
}

/** Reads a setting by its name inside the `archrules` section (a WorkspaceConfiguration fits). */
export interface SettingsSource {
  get(key: string): unknown;
}

export interface Problem {
  setting: string;
  message: string;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  enable: true,
  severity: {},
  baseline: true,
  logLevel: 'info',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server's view of the settings: every key present, every value of its type. A value of
 * the wrong type falls back to the default and is reported in `problems`, so that one bad
 * entry in settings.json never keeps the server from starting.
 */
export function readServerSettings(source: SettingsSource, problems: Problem[] = []): ServerSettings {
  const result: ServerSettings = { ...DEFAULT_SERVER_SETTINGS, severity: {} };

  const enable = source.get('enable');
  if (typeof enable === 'boolean') result.enable = enable;
  else if (enable !== undefined && enable !== null)
    problems.push({ setting: 'archrules.enable', message: 'must be true or false' });

  const baseline = source.get('baseline');
  if (typeof baseline === 'boolean') result.baseline = baseline;
  else if (baseline !== undefined && baseline !== null)
    problems.push({ setting: 'archrules.baseline', message: 'must be true or false' });

  const logLevel = source.get('logLevel');
  if (typeof logLevel === 'string' && (LOG_LEVELS as readonly string[]).includes(logLevel)) {
    result.logLevel = logLevel as LogLevel;
  } else if (logLevel !== undefined && logLevel !== null) {
    problems.push({ setting: 'archrules.logLevel', message: `must be one of ${LOG_LEVELS.join(', ')}` });
  }

  const severity = source.get('severity');
  if (isRecord(severity)) {
    for (const [rule, level] of Object.entries(severity)) {
      if (typeof level === 'string' && (SEVERITIES as readonly string[]).includes(level)) {
        result.severity[rule] = level as Severity;
      } else {
        problems.push({
          setting: 'archrules.severity',
          message: `"${rule}": must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(level)}`,
        });
      }
    }
  } else if (severity !== undefined && severity !== null) {
    problems.push({ setting: 'archrules.severity', message: 'must be an object: rule name -> severity' });
  }
  return result;
}

export function readLaunchSettings(source: SettingsSource, problems: Problem[] = []): LaunchSettings {
  const result: LaunchSettings = { path: [], interpreter: '', importStrategy: 'useBundled' };

  const path = source.get('path');
  if (Array.isArray(path) && path.every((part) => typeof part === 'string')) {
    result.path = path.filter((part, index) => index > 0 || part.trim() !== '');
  } else if (typeof path === 'string' && path.trim() !== '') {
    // A common slip: a single string. Take it as the program, with no arguments.
    result.path = [path.trim()];
    problems.push({ setting: 'archrules.path', message: 'should be an array of strings; taken as one program' });
  } else if (path !== undefined && path !== null && path !== '') {
    problems.push({ setting: 'archrules.path', message: 'must be an array of strings' });
  }

  const interpreter = source.get('interpreter');
  if (typeof interpreter === 'string') result.interpreter = interpreter.trim();
  else if (Array.isArray(interpreter) && typeof interpreter[0] === 'string') {
    // The Python extension's old `python.interpreterPath`-like array form.
    result.interpreter = interpreter[0].trim();
  } else if (interpreter !== undefined && interpreter !== null) {
    problems.push({ setting: 'archrules.interpreter', message: 'must be the path of a Python interpreter' });
  }

  const strategy = source.get('importStrategy');
  if (strategy === 'useBundled' || strategy === 'fromEnvironment') result.importStrategy = strategy;
  else if (strategy !== undefined && strategy !== null) {
    problems.push({ setting: 'archrules.importStrategy', message: 'must be useBundled or fromEnvironment' });
  }
  return result;
}

/**
 * The initializationOptions sent with `initialize`: the window's server settings, the same
 * object the client answers for the `archrules` section of workspace/configuration (a folder
 * with settings of its own is asked for by the server with its scopeUri).
 */
export function initializationOptions(settings: ServerSettings): ServerSettings {
  return { ...settings, severity: { ...settings.severity } };
}

/** Do two settings objects say the same? (to skip needless didChangeConfiguration) */
export function sameSettings(a: ServerSettings, b: ServerSettings): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(settings: ServerSettings): unknown {
  const severity = Object.fromEntries(Object.entries(settings.severity).sort(([x], [y]) => x.localeCompare(y)));
  return { ...settings, severity };
}
