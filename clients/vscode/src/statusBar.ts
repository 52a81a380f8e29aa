// The status bar item: the server's state, its indexing progress, and the layer of the file in
// the active editor (status.ts decides the text). Click: the status, or the output on failure.

import * as vscode from 'vscode';

import { type ArchrulesServer, errorText } from './server';
import { SERVER_COMMANDS } from './serverCommands';
import { type Explanation, type ServerState, type ServerStatus, statusView } from './status';

export const SHOW_STATUS = 'archrules.showStatus';
export const SHOW_OUTPUT = 'archrules.showOutput';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private lastStatus: ServerStatus | undefined;
  private lastExplanation: Explanation | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private settingsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: ArchrulesServer,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.item = vscode.window.createStatusBarItem('archrules.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'archrules';
    this.item.command = SHOW_STATUS;
    this.render();
    this.item.show();
    this.disposables.push(
      this.item,
      server.onDidChangeState((state) => this.onState(state)),
      server.onDidChangeSettings(() => {
        // The server rechecks with the new settings first.
        if (this.settingsTimer) clearTimeout(this.settingsTimer);
        this.settingsTimer = setTimeout(() => this.refresh(), 300);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        void this.refreshExplanation();
        void this.refreshStatus();
      }),
    );
  }

  private onState(state: ServerState): void {
    if (state === 'running') {
      this.refresh();
    } else {
      this.stopPolling();
      // A new server knows nothing of the old one's answers.
      if (state === 'starting') {
        this.lastStatus = undefined;
        this.lastExplanation = undefined;
      }
    }
    this.render();
  }

  private refresh(): void {
    void this.refreshStatus();
    void this.refreshExplanation();
  }

  /** A status the user asked for ("archrules: Show status"). */
  update(status: ServerStatus): void {
    this.lastStatus = status;
    this.render();
  }

  private render(): void {
    const state = this.server.state;
    const view = statusView(state, this.lastStatus, this.lastExplanation);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = state === 'failed' ? SHOW_OUTPUT : SHOW_STATUS;
    this.item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  async refreshStatus(): Promise<void> {
    if (!this.server.isRunning()) return;
    try {
      this.lastStatus = await this.server.request<ServerStatus>(SERVER_COMMANDS.status, []);
    } catch (error) {
      this.output.debug(`${SERVER_COMMANDS.status}: ${errorText(error)}`);
    }
    const view = statusView(this.server.state, this.lastStatus, this.lastExplanation);
    this.render();
    // asked before the server had loaded the file's project: ask again
    if (!this.lastExplanation?.module) void this.refreshExplanation();
    this.stopPolling();
    if (view.busy) this.pollTimer = setTimeout(() => void this.refreshStatus(), 1000);
  }

  async refreshExplanation(): Promise<void> {
    const running = this.server.isRunning();
    const editor = vscode.window.activeTextEditor;
    // No text editor (a preview, the settings): keep showing the last file's layer.
    if (running && !editor && vscode.window.visibleTextEditors.length > 0) return;
    const document = editor?.document;
    if (!running || !document || document.uri.scheme !== 'file' || document.languageId !== 'python') {
      this.lastExplanation = undefined;
      this.render();
      return;
    }
    const key = document.uri.toString();
    try {
      const result = await this.server.request<Explanation | null>(SERVER_COMMANDS.explainFile, [key]);
      if (vscode.window.activeTextEditor?.document.uri.toString() === key) {
        this.lastExplanation = result ? { module: result.module, layer: result.layer } : undefined;
      }
    } catch (error) {
      this.output.debug(`${SERVER_COMMANDS.explainFile}: ${errorText(error)}`);
      this.lastExplanation = undefined;
    }
    this.render();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  dispose(): void {
    this.stopPolling();
    if (this.settingsTimer) clearTimeout(this.settingsTimer);
    for (const d of this.disposables) d.dispose();
  }
}
