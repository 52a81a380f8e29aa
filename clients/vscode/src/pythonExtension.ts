// The Python extension's (ms-python.python) active interpreter, read through its public API:
// `exports.environments.getActiveEnvironmentPath(resource)` and `resolveEnvironment(...)`,
// typed by Microsoft's `@vscode/python-extension` package (type imports only: no `vscode` at
// run time here, the unit tests run this module under plain Node with fake APIs).

import type { PythonExtension } from '@vscode/python-extension';

type Environments = PythonExtension['environments'];

/**
 * The part of the environments API that archrules uses. The exports come from another
 * extension at run time, whatever its version: each method is checked before it is called.
 */
export type PythonEnvironmentsApi = Partial<
  Pick<Environments, 'getActiveEnvironmentPath' | 'resolveEnvironment' | 'onDidChangeActiveEnvironmentPath'>
>;

/** The `environments` part of the Python extension's exports, if they have one. */
export function environmentsApi(exports: unknown): PythonEnvironmentsApi | undefined {
  if (!exports || typeof exports !== 'object') return undefined;
  const environments = (exports as { environments?: unknown }).environments;
  if (!environments || typeof environments !== 'object') return undefined;
  const api = environments as PythonEnvironmentsApi;
  return typeof api.getActiveEnvironmentPath === 'function' ? api : undefined;
}

export function withTimeout<T>(value: PromiseLike<T> | T, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
    Promise.resolve(value).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The executable of the active environment for `resource`: the resolved executable, else the
 * environment's path as the API gave it (already an interpreter for most environments).
 * Undefined when the API has no active environment. Rejects only on `getActiveEnvironmentPath`
 * throwing; a resolution that fails or hangs falls back to the path.
 */
export async function activeInterpreter(
  api: PythonEnvironmentsApi,
  resource: Parameters<Environments['getActiveEnvironmentPath']>[0],
  timeoutMs = 15000,
  log: (message: string) => void = () => undefined,
): Promise<string | undefined> {
  // Typed as always present with both fields; checked all the same (another extension's answer).
  const active = api.getActiveEnvironmentPath?.(resource);
  if (!active || (typeof active.path !== 'string' && typeof active.id !== 'string')) return undefined;
  const fallback = typeof active.path === 'string' && active.path !== '' ? active.path : undefined;
  if (typeof api.resolveEnvironment !== 'function') return fallback;
  try {
    const resolved = await withTimeout(api.resolveEnvironment(active), timeoutMs, 'resolveEnvironment');
    const executable = resolved?.executable?.uri?.fsPath;
    return typeof executable === 'string' && executable !== '' ? executable : fallback;
  } catch (error) {
    log(
      `the Python extension could not resolve ${fallback ?? active.id}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return fallback;
  }
}
