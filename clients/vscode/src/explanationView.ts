// "archrules: Explain this file": the server's Markdown for a file, shown in a locked Markdown
// preview beside the editor, read from `archrules-explain:` documents this view provides.

import * as path from 'node:path';

import * as vscode from 'vscode';

import { errorText } from './server';
import { type AskServer, SERVER_COMMANDS } from './serverCommands';
import type { Explanation } from './status';

export const EXPLAIN_FILE = 'archrules.explainFile';
export const EXPLAIN_SCHEME = 'archrules-explain';

export class ExplanationView implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly explanations = new Map<string, string>();
  private counter = 0;
  private readonly registration: vscode.Disposable;

  constructor(private readonly ask: AskServer) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this);
  }

  async show(target?: vscode.Uri): Promise<void> {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('archrules: open a Python file to explain it.');
      return;
    }
    try {
      const result = await this.ask<Explanation | null>(SERVER_COMMANDS.explainFile, [uri.toString()]);
      const markdown = result?.markdown ?? `No explanation for ${uri.fsPath}.`;
      const name = (result?.module ?? path.basename(uri.fsPath)).replace(/[^\w.-]+/g, '_');
      const doc = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${name}.md`, query: String(++this.counter) });
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

  /** The text of an `archrules-explain:` document (the Markdown preview reads it). */
  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.explanations.get(uri.toString()) ?? 'This explanation is gone: run "archrules: Explain this file" again.'
    );
  }

  /** Forgets the explanations given: they may be out of date (new settings). */
  clear(): void {
    this.explanations.clear();
  }

  dispose(): void {
    this.registration.dispose();
    this.explanations.clear();
  }
}
