// The webview of "archrules: Show architecture": asks the server for the page, shows it in
// one panel (reused), and opens the file of an import clicked in it.

import * as vscode from 'vscode';

import { type GraphResult, openRequest, panelTitle, webviewHtml } from './architecture';
import { type AskServer, SERVER_COMMANDS } from './serverCommands';

export const SHOW_ARCHITECTURE = 'archrules.showArchitecture';

export class ArchitectureView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly ask: AskServer) {}

  async show(target?: vscode.Uri): Promise<void> {
    const uri =
      (target instanceof vscode.Uri ? target : undefined) ??
      vscode.window.activeTextEditor?.document.uri ??
      vscode.workspace.workspaceFolders?.[0]?.uri;
    try {
      const result = await this.ask<GraphResult | null>(SERVER_COMMANDS.graph, uri ? [uri.toString()] : []);
      const html = webviewHtml(result);
      if (!html || !result) {
        void vscode.window.showInformationMessage('archrules: no archrules project to draw here.');
        return;
      }
      const panel = this.panel ?? this.createPanel();
      panel.title = panelTitle(result);
      panel.webview.html = html;
      panel.reveal();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`archrules: Show architecture: ${message}`);
    }
  }

  private createPanel(): vscode.WebviewPanel {
    // The page fetches nothing: no local resource is readable from it.
    const panel = vscode.window.createWebviewPanel('archrules.architecture', 'Architecture', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    panel.webview.onDidReceiveMessage((message: unknown) => void this.open(message));
    this.panel = panel;
    return panel;
  }

  private async open(message: unknown): Promise<void> {
    const request = openRequest(message);
    if (!request) return;
    const position = new vscode.Position(request.line, request.col);
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(request.path));
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.Beside,
        selection: new vscode.Range(position, position),
      });
    } catch (error) {
      void vscode.window.showErrorMessage(`archrules: cannot open ${request.path}: ${String(error)}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
