// The language client's life: which server to start (launch.ts decides, from the settings and
// the Python extension), starting, stopping and restarting it, the settings it is sent, and
// the failure policy: a crashed server is restarted a few times (restarts.ts), and each
// failure is shown once, with a button to the setting that fixes it.

import * as fs from 'node:fs';
import * as path from 'node:path';

import { PVSC_EXTENSION_ID } from '@vscode/python-extension';
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  DidChangeConfigurationNotification,
  type ErrorHandlerResult,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ResponseError,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { LaunchError, makeProbe, resolveLaunch, type ServerLaunch, which } from './launch';
import { activeInterpreter, environmentsApi, withTimeout } from './pythonExtension';
import { RestartPolicy } from './restarts';
import {
  initializationOptions,
  LAUNCH_SETTINGS,
  type Problem,
  readLaunchSettings,
  readServerSettings,
  sameSettings,
  type ServerSettings,
} from './settings';
import type { ServerState } from './status';

export const SECTION = 'archrules';

/** A LanguageClient whose failures become one notification of ours instead of several of its own. */
class ArchrulesClient extends LanguageClient {
  onFailure: ((message: string) => void) | undefined;

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, false);
    if (showNotification === 'force' && this.onFailure) this.onFailure(message);
  }
}

export class ArchrulesServer implements vscode.Disposable {
  private client: ArchrulesClient | undefined;
  private launch: ServerLaunch | undefined;
  private readonly policy = new RestartPolicy();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly settingsEmitter = new vscode.EventEmitter<void>();
  private currentState: ServerState = 'stopped';
  /** Set once a failure was shown; cleared by a successful start or a user's restart. */
  private failureShown = false;
  private everRunning = false;
  private starting: Promise<void> | undefined;
  private pythonEnvListener: vscode.Disposable | undefined;
  /** The server settings the running server was last given. */
  private sentSettings: ServerSettings | undefined;

  /** Fires on every change of `state`. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires when the running server was sent new settings: its answers may change. */
  readonly onDidChangeSettings = this.settingsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(this.stateEmitter, this.settingsEmitter);
  }

  get state(): ServerState {
    return this.currentState;
  }

  /** How the server was started (for the status message), once it was. */
  get description(): string | undefined {
    return this.launch?.description;
  }

  private setState(state: ServerState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  // ---- starting and stopping ----

  async start(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.setState('starting');
    const problems: Problem[] = [];
    // One server serves every folder: it is chosen by the first folder's settings.
    const folder = vscode.workspace.workspaceFolders?.[0];
    const launchSettings = readLaunchSettings(vscode.workspace.getConfiguration(SECTION, folder?.uri), problems);
    const serverSettings = readServerSettings(vscode.workspace.getConfiguration(SECTION), problems);
    for (const p of problems) this.output.warn(`setting ${p.setting}: ${p.message}`);

    const bundledLibs = path.join(this.context.extensionPath, 'bundled', 'libs');
    const hasBundle = fs.existsSync(path.join(bundledLibs, 'archrules', '__init__.py'));
    let launch: ServerLaunch;
    try {
      const pythonExtensionInterpreter =
        launchSettings.path.length === 0 && launchSettings.interpreter === ''
          ? await this.pythonExtensionInterpreter()
          : undefined;
      launch = await resolveLaunch({
        settings: launchSettings,
        pythonExtensionInterpreter,
        bundledLibs: hasBundle ? bundledLibs : undefined,
        workspaceFolder: folder?.uri.fsPath,
        env: process.env,
        platform: process.platform,
        which,
        probe: makeProbe(),
      });
    } catch (error) {
      const setting = error instanceof LaunchError ? error.setting : 'archrules.interpreter';
      this.fail(errorText(error), setting);
      return;
    }
    if (launch.kind === 'command' && !commandExists(launch.command, launch.env)) {
      this.fail(`archrules: the program ${launch.command} given in archrules.path was not found.`, 'archrules.path');
      return;
    }
    for (const note of launch.notes) this.output.info(note);
    this.output.info(`starting: ${launch.description}`);
    this.launch = launch;

    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: { env: launch.env, cwd: folder?.uri.fsPath },
    };
    const client = new ArchrulesClient('archrules', 'archrules', serverOptions, this.clientOptions(serverSettings));
    client.onFailure = (message) =>
      this.fail(this.everRunning ? `archrules: ${message}` : startFailure(launch), settingFor(launch));
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        this.everRunning = true;
        this.failureShown = false;
        this.setState('running');
      } else if (event.newState === State.Starting) {
        this.setState('starting');
      } else if (this.currentState !== 'failed') {
        this.setState('stopped');
      }
    });
    this.client = client;
    this.sentSettings = serverSettings;
    this.everRunning = false;
    try {
      await client.start();
    } catch (error) {
      // Reported through client.error() -> fail(): one notification.
      this.output.error(`the server did not start: ${errorText(error)}`);
      if (this.currentState !== 'failed') this.fail(startFailure(launch), settingFor(launch));
    }
  }

  private clientOptions(serverSettings: ServerSettings): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
        { scheme: 'file', pattern: '**/archrules.toml' },
      ],
      initializationOptions: initializationOptions(serverSettings),
      // Answered by the middleware below and pushed by onConfigurationChanged; the client
      // library's own settings sync is not used.
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      markdown: { isTrusted: false, supportHtml: false },
      // Without this handler the client shows the raw error in a notification of its own;
      // the start failure is reported once, by fail().
      initializationFailedHandler: (error) => {
        this.output.error(`initialize failed: ${errorText(error)}`);
        return false;
      },
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue, handled: true }),
        closed: (): CloseHandlerResult => this.onClosed(),
      },
      middleware: {
        workspace: {
          // The server asks for section `archrules` (per folder with scopeUri): answer with the
          // same checked shape as the initializationOptions, not the raw settings.
          configuration: async (params, token, next): Promise<unknown[] | ResponseError> => {
            const answers: unknown = await next(params, token);
            if (!Array.isArray(answers)) return answers as ResponseError;
            const given: unknown[] = answers;
            return params.items.map((item, i): unknown => {
              if (item.section !== SECTION) return given[i];
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return readServerSettings(vscode.workspace.getConfiguration(SECTION, scope));
            });
          },
        },
      },
    };
  }

  private onClosed(): CloseHandlerResult {
    const { restart, crashes } = this.policy.onCrash(Date.now(), this.everRunning);
    if (restart) {
      this.output.warn(`the server stopped unexpectedly (${crashes} time(s) in 3 minutes): restarting it`);
      return { action: CloseAction.Restart, handled: true };
    }
    const message = this.everRunning
      ? `archrules: the server stopped ${crashes} times in 3 minutes and will not be restarted. See the output; "archrules: Restart server" starts it again.`
      : this.launch
        ? startFailure(this.launch)
        : 'archrules: the server exited while starting. See the output for why.';
    this.fail(message, this.launch ? settingFor(this.launch) : 'archrules.interpreter');
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** One error notification per failure, with a button to the setting that fixes it. */
  private fail(message: string, setting: string): void {
    this.setState('failed');
    this.output.error(message);
    if (this.failureShown) return;
    this.failureShown = true;
    void vscode.window.showErrorMessage(message, 'Open settings', 'Show output').then((choice) => {
      if (choice === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      else if (choice === 'Show output') this.output.show(true);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.onFailure = undefined;
      try {
        if (client.needsStop()) await client.stop(5000);
      } catch (error) {
        this.output.warn(`stopping the server: ${errorText(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
    this.setState(this.currentState === 'failed' ? 'failed' : 'stopped');
  }

  async restart(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.stop();
    this.policy.reset();
    this.failureShown = false;
    await this.start();
  }

  // ---- the Python extension ----

  /** The Python extension's active interpreter, if it is installed and answers in time. */
  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension(PVSC_EXTENSION_ID);
    if (!extension) return undefined;
    try {
      const exports: unknown = extension.isActive
        ? extension.exports
        : await withTimeout(extension.activate(), 15000, 'activating the Python extension');
      const environments = environmentsApi(exports);
      if (!environments) {
        this.output.info('the Python extension has no environments API: not asking it for an interpreter');
        return undefined;
      }
      if (!this.pythonEnvListener && typeof environments.onDidChangeActiveEnvironmentPath === 'function') {
        this.pythonEnvListener = environments.onDidChangeActiveEnvironmentPath(() => {
          if (this.launch?.interpreter?.source === 'python-extension' || this.currentState === 'failed') {
            this.output.info("the Python extension's active interpreter changed: restarting the server");
            void this.restart();
          }
        });
        this.disposables.push(this.pythonEnvListener);
      }
      const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
      return await activeInterpreter(environments, resource, 15000, (message) => this.output.warn(message));
    } catch (error) {
      this.output.warn(`the Python extension gave no interpreter: ${errorText(error)}`);
      return undefined;
    }
  }

  // ---- settings ----

  onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration(SECTION)) return;
    if (LAUNCH_SETTINGS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
      this.output.info('a setting that chooses the server changed: restarting it');
      void this.restart();
      return;
    }
    const client = this.client;
    if (!client?.isRunning()) return;
    const problems: Problem[] = [];
    const settings = readServerSettings(vscode.workspace.getConfiguration(SECTION), problems);
    for (const p of problems) this.output.warn(`setting ${p.setting}: ${p.message}`);
    if (this.sentSettings && sameSettings(settings, this.sentSettings)) return;
    this.sentSettings = settings;
    this.output.info(`settings changed: ${JSON.stringify(settings)}`);
    void client
      .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } })
      .catch((error: unknown) => this.output.warn(`didChangeConfiguration: ${errorText(error)}`));
    this.settingsEmitter.fire();
  }

  // ---- the server's commands ----

  isRunning(): boolean {
    return this.client?.isRunning() ?? false;
  }

  /** A server command, sent now: rejects when the server is not running. */
  async request<T>(command: string, args: unknown[]): Promise<T> {
    const client = this.client;
    if (!client?.isRunning()) {
      throw new Error('the archrules server is not running (see "archrules: Show output")');
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
  }

  /** A server command for the user: waits for a start under way first. */
  async execute<T>(command: string, args: unknown[]): Promise<T> {
    if (this.starting) await this.starting;
    return this.request<T>(command, args);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function startFailure(launch: ServerLaunch): string {
  const command = [launch.command, ...launch.args].join(' ');
  return `archrules: the server exited while starting (${command}). See the output for why.`;
}

function settingFor(launch: ServerLaunch): string {
  return launch.kind === 'command' ? 'archrules.path' : 'archrules.interpreter';
}

function commandExists(command: string, env: NodeJS.ProcessEnv): boolean {
  if (command.includes('/') || command.includes('\\')) return fs.existsSync(command);
  return (
    which(command, env, process.platform) !== undefined ||
    (process.platform === 'win32' && which(`${command}.exe`, env, process.platform) !== undefined)
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
