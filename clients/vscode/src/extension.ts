// The archrules extension: starts `archrules server` and wires its commands, settings and
// status into VS Code. The decisions that need no VS Code (which command, which settings)
// live in launch.ts, settings.ts, restarts.ts and status.ts, where unit tests reach them.

import * as fs from 'node:fs';
import * as path from 'node:path';

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
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { ArchitectureView, SHOW_ARCHITECTURE } from './architectureView';
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
import { type Explanation, type ServerStatus, statusView } from './status';

const SECTION = 'archrules';
const EXPLAIN_SCHEME = 'archrules-explain';
/** Commands of the extension whose names the server's commands share: never registered twice. */
const OWN_COMMANDS = new Set(['archrules.createAdr', 'archrules.explainFile', 'archrules.status']);

/** A LanguageClient whose failures become one notification of ours instead of several of its own. */
class ArchrulesClient extends LanguageClient {
  onFailure: ((message: string) => void) | undefined;

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, false);
    if (showNotification === 'force' && this.onFailure) this.onFailure(message);
  }
}

class Controller implements vscode.Disposable {
  private client: ArchrulesClient | undefined;
  private launch: ServerLaunch | undefined;
  private readonly output: vscode.LogOutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly policy = new RestartPolicy();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly explanations = new Map<string, string>();
  private explainCounter = 0;
  private state: 'starting' | 'running' | 'stopped' | 'failed' = 'stopped';
  private lastStatus: ServerStatus | undefined;
  private lastExplanation: Explanation | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Set once a failure was shown; cleared by a successful start or a user's restart. */
  private failureShown = false;
  private everRunning = false;
  private starting: Promise<void> | undefined;
  private pythonEnvListener: vscode.Disposable | undefined;
  /** The server settings the running server was last given. */
  private sentSettings: ServerSettings | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('archrules', { log: true });
    this.statusItem = vscode.window.createStatusBarItem('archrules.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'archrules';
    this.statusItem.command = 'archrules.showStatus';
    this.render();
    this.statusItem.show();
    this.disposables.push(this.output, this.statusItem);
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
    this.state = 'starting';
    this.render();
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
        launchSettings.path.length === 0 && launchSettings.interpreter === '' ? await this.pythonExtensionInterpreter() : undefined;
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
      this.fail(error instanceof Error ? error.message : String(error), setting);
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
    const clientOptions: LanguageClientOptions = {
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
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) return answers;
            return params.items.map((item, i) => {
              if (item.section !== SECTION) return answers[i];
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return readServerSettings(vscode.workspace.getConfiguration(SECTION, scope));
            });
          },
        },
      },
    };

    const client = new ArchrulesClient('archrules', 'archrules', serverOptions, clientOptions);
    client.onFailure = (message) =>
      this.fail(this.everRunning ? `archrules: ${message}` : startFailure(launch), settingFor(launch));
    // The server's commands that share a name with the extension's are called through
    // workspace/executeCommand by this extension; registering them again would throw.
    const commandFeature = client.getFeature(ExecuteCommandRequest.method);
    const register = commandFeature.register.bind(commandFeature);
    commandFeature.register = (data) =>
      register({
        ...data,
        registerOptions: {
          ...data.registerOptions,
          commands: data.registerOptions.commands.filter((command) => !OWN_COMMANDS.has(command)),
        },
      });
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        this.state = 'running';
        this.everRunning = true;
        this.failureShown = false;
        void this.refreshStatus();
        void this.refreshExplanation();
      } else if (event.newState === State.Starting) {
        this.state = 'starting';
      } else if (this.state !== 'failed') {
        this.state = 'stopped';
      }
      this.render();
    });
    this.client = client;
    this.sentSettings = serverSettings;
    this.everRunning = false;
    try {
      await client.start();
    } catch (error) {
      // Reported through client.error() -> fail(): one notification.
      this.output.error(`the server did not start: ${error instanceof Error ? error.message : String(error)}`);
      if (!this.failed()) this.fail(startFailure(launch), settingFor(launch));
    }
  }

  /** Read through a method: the state changes in callbacks, out of the compiler's sight. */
  private failed(): boolean {
    return this.state === 'failed';
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
    this.state = 'failed';
    this.stopPolling();
    this.render();
    this.output.error(message);
    if (this.failureShown) return;
    this.failureShown = true;
    void vscode.window.showErrorMessage(message, 'Open settings', 'Show output').then((choice) => {
      if (choice === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      else if (choice === 'Show output') this.output.show(true);
    });
  }

  async stop(): Promise<void> {
    this.stopPolling();
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.onFailure = undefined;
      try {
        if (client.needsStop()) await client.stop(5000);
      } catch (error) {
        this.output.warn(`stopping the server: ${error instanceof Error ? error.message : String(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
    if (this.state !== 'failed') this.state = 'stopped';
    this.render();
  }

  async restart(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.stop();
    this.policy.reset();
    this.failureShown = false;
    this.lastStatus = undefined;
    this.lastExplanation = undefined;
    await this.start();
  }

  // ---- the Python extension ----

  /** The Python extension's active interpreter, if it is installed and answers in time. */
  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension('ms-python.python');
    if (!extension) return undefined;
    try {
      const exports: unknown = extension.isActive ? extension.exports : await withTimeout(extension.activate(), 15000, 'activating the Python extension');
      const environments = environmentsApi(exports);
      if (!environments) {
        this.output.info('the Python extension has no environments API: not asking it for an interpreter');
        return undefined;
      }
      if (!this.pythonEnvListener && typeof environments.onDidChangeActiveEnvironmentPath === 'function') {
        this.pythonEnvListener = environments.onDidChangeActiveEnvironmentPath(() => {
          if (this.launch?.interpreter?.source === 'python-extension' || this.state === 'failed') {
            this.output.info("the Python extension's active interpreter changed: restarting the server");
            void this.restart();
          }
        }) as vscode.Disposable;
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
    if (client?.isRunning()) {
      const problems: Problem[] = [];
      const settings = readServerSettings(vscode.workspace.getConfiguration(SECTION), problems);
      for (const p of problems) this.output.warn(`setting ${p.setting}: ${p.message}`);
      if (this.sentSettings && sameSettings(settings, this.sentSettings)) return;
      this.sentSettings = settings;
      this.output.info(`settings changed: ${JSON.stringify(settings)}`);
      void client
        .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } })
        .catch((error) => this.output.warn(`didChangeConfiguration: ${String(error)}`));
      this.explanations.clear();
      setTimeout(() => {
        void this.refreshStatus();
        void this.refreshExplanation();
      }, 300);
    }
  }

  // ---- server commands ----

  async executeServerCommand<T>(command: string, args: unknown[]): Promise<T> {
    if (this.starting) await this.starting;
    const client = this.client;
    if (!client || !client.isRunning()) {
      throw new Error('the archrules server is not running (see "archrules: Show output")');
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
  }

  async showStatus(): Promise<void> {
    try {
      const status = await this.executeServerCommand<ServerStatus>('archrules.status', []);
      this.lastStatus = status;
      this.render();
      const json = JSON.stringify(status, null, 2);
      this.output.info(`status:\n${json}`);
      const lines = [`archrules ${status?.version ?? ''}`.trim()];
      const files = status?.files;
      if (files !== undefined) lines.push(`files: ${typeof files === 'number' ? files : JSON.stringify(files)}`);
      lines.push(`indexing: ${JSON.stringify(status?.indexing ?? false)}`);
      if (this.launch) lines.push(`server: ${this.launch.description}`);
      const choice = await vscode.window.showInformationMessage(lines.join(' · '), { modal: false }, 'Show details');
      if (choice === 'Show details') this.output.show(true);
    } catch (error) {
      void vscode.window.showErrorMessage(`archrules: status: ${errorText(error)}`);
    }
  }

  async createAdr(): Promise<void> {
    const title = await vscode.window.showInputBox({
      title: 'archrules: Create ADR',
      prompt: 'The title of the new Architecture Decision Record',
      placeHolder: 'Use PostgreSQL through SQLAlchemy',
      validateInput: (value) => (value.trim() === '' ? 'A title is needed' : undefined),
    });
    if (title === undefined || title.trim() === '') return;
    const editor = vscode.window.activeTextEditor;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const uri = editor?.document.uri.scheme === 'file' ? editor.document.uri : folder?.uri;
    try {
      const argument: { title: string; uri?: string } = { title: title.trim() };
      if (uri) argument.uri = uri.toString();
      const result = await this.executeServerCommand<{ uri?: string } | null>('archrules.createAdr', [argument]);
      if (!result?.uri) throw new Error('the server returned no file');
      const opened = await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), { preview: false });
      // The server's workspace edit creates the file and fills it in the editor: the user
      // asked for the file, so it is saved.
      if (opened.document.isDirty) await opened.document.save();
    } catch (error) {
      void vscode.window.showErrorMessage(`archrules: Create ADR: ${errorText(error)}`);
    }
  }

  async explainFile(target?: vscode.Uri): Promise<void> {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('archrules: open a Python file to explain it.');
      return;
    }
    try {
      const result = await this.executeServerCommand<Explanation | null>('archrules.explainFile', [uri.toString()]);
      const markdown = result?.markdown ?? `No explanation for ${uri.fsPath}.`;
      const name = (result?.module ?? path.basename(uri.fsPath)).replace(/[^\w.-]+/g, '_');
      const doc = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${name}.md`, query: String(++this.explainCounter) });
      this.explanations.set(doc.toString(), markdown);
      try {
        // Locked: a plain side preview would follow the next Markdown editor that opens.
        await vscode.commands.executeCommand('markdown.showLockedPreviewToSide', doc);
      } catch {
        const document = await vscode.workspace.openTextDocument(doc);
        await vscode.languages.setTextDocumentLanguage(document, 'markdown');
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`archrules: Explain this file: ${errorText(error)}`);
    }
  }

  /** The text of an `archrules-explain:` document (the markdown preview reads it). */
  explanationText(uri: vscode.Uri): string {
    return this.explanations.get(uri.toString()) ?? 'This explanation is gone: run "archrules: Explain this file" again.';
  }

  // ---- the status bar ----

  private render(): void {
    const view = statusView(this.state, this.lastStatus, this.lastExplanation);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.command = this.state === 'failed' ? 'archrules.showOutput' : 'archrules.showStatus';
    this.statusItem.backgroundColor =
      this.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  async refreshStatus(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) return;
    try {
      this.lastStatus = (await client.sendRequest(ExecuteCommandRequest.type, { command: 'archrules.status', arguments: [] })) as ServerStatus;
    } catch (error) {
      this.output.debug(`archrules.status: ${errorText(error)}`);
    }
    const view = statusView(this.state, this.lastStatus, this.lastExplanation);
    this.render();
    // asked before the server had loaded the file's project: ask again
    if (!this.lastExplanation?.module) void this.refreshExplanation();
    this.stopPolling();
    if (view.busy) this.pollTimer = setTimeout(() => void this.refreshStatus(), 1000);
  }

  async refreshExplanation(): Promise<void> {
    const client = this.client;
    const editor = vscode.window.activeTextEditor;
    // No text editor (a preview, the settings): keep showing the last file's layer.
    if (client?.isRunning() && !editor && vscode.window.visibleTextEditors.length > 0) return;
    const document = editor?.document;
    if (!client?.isRunning() || !document || document.uri.scheme !== 'file' || document.languageId !== 'python') {
      this.lastExplanation = undefined;
      this.render();
      return;
    }
    const key = document.uri.toString();
    try {
      const result = (await client.sendRequest(ExecuteCommandRequest.type, {
        command: 'archrules.explainFile',
        arguments: [key],
      })) as Explanation | null;
      if (vscode.window.activeTextEditor?.document.uri.toString() === key) {
        this.lastExplanation = result ? { module: result.module, layer: result.layer } : undefined;
      }
    } catch (error) {
      this.output.debug(`archrules.explainFile: ${errorText(error)}`);
      this.lastExplanation = undefined;
    }
    this.render();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  showOutput(): void {
    this.output.show(true);
  }

  dispose(): void {
    this.stopPolling();
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
  return which(command, env, process.platform) !== undefined || (process.platform === 'win32' && which(`${command}.exe`, env, process.platform) !== undefined);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const c = new Controller(context);
  controller = c;
  const architecture = new ArchitectureView((command, args) => c.executeServerCommand(command, args));
  context.subscriptions.push(
    c,
    architecture,
    vscode.commands.registerCommand(SHOW_ARCHITECTURE, (uri?: vscode.Uri) => architecture.show(uri)),
    vscode.commands.registerCommand('archrules.restart', () => c.restart()),
    vscode.commands.registerCommand('archrules.showOutput', () => c.showOutput()),
    vscode.commands.registerCommand('archrules.showStatus', () => c.showStatus()),
    vscode.commands.registerCommand('archrules.createAdr', () => c.createAdr()),
    vscode.commands.registerCommand('archrules.explainFile', (uri?: vscode.Uri) => c.explainFile(uri)),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      provideTextDocumentContent: (uri) => c.explanationText(uri),
    }),
    vscode.workspace.onDidChangeConfiguration((event) => c.onConfigurationChanged(event)),
    vscode.window.onDidChangeActiveTextEditor(() => {
      void c.refreshExplanation();
      void c.refreshStatus();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void c.restart()),
  );
  await c.start();
}

export async function deactivate(): Promise<void> {
  const c = controller;
  controller = undefined;
  if (c) await c.stop();
}
