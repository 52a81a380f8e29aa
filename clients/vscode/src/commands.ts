// The commands of the palette: each one a few lines that ask the server and show the answer,
// or hand over to the view that shows it.

import * as vscode from 'vscode';

import { type ArchitectureView, SHOW_ARCHITECTURE } from './architectureView';
import { EXPLAIN_FILE, type ExplanationView } from './explanationView';
import { type ArchrulesServer, errorText } from './server';
import { SERVER_COMMANDS } from './serverCommands';
import type { ServerStatus } from './status';
import { SHOW_OUTPUT, SHOW_STATUS, type StatusBar } from './statusBar';

export const RESTART = 'archrules.restart';
export const CREATE_ADR = 'archrules.createAdr';

export interface Views {
  server: ArchrulesServer;
  output: vscode.LogOutputChannel;
  statusBar: StatusBar;
  explanation: ExplanationView;
  architecture: ArchitectureView;
}

export function registerCommands(views: Views): vscode.Disposable[] {
  const { server, output, statusBar, explanation, architecture } = views;
  return [
    vscode.commands.registerCommand(RESTART, () => server.restart()),
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    vscode.commands.registerCommand(SHOW_STATUS, () => showStatus(server, output, statusBar)),
    vscode.commands.registerCommand(CREATE_ADR, () => createAdr(server)),
    vscode.commands.registerCommand(EXPLAIN_FILE, (uri?: vscode.Uri) => explanation.show(uri)),
    vscode.commands.registerCommand(SHOW_ARCHITECTURE, (uri?: vscode.Uri) => architecture.show(uri)),
  ];
}

async function showStatus(
  server: ArchrulesServer,
  output: vscode.LogOutputChannel,
  statusBar: StatusBar,
): Promise<void> {
  try {
    const status = await server.execute<ServerStatus>(SERVER_COMMANDS.status, []);
    statusBar.update(status);
    output.info(`status:\n${JSON.stringify(status, null, 2)}`);
    const lines = [`archrules ${status?.version ?? ''}`.trim()];
    const files = status?.files;
    if (files !== undefined) lines.push(`files: ${typeof files === 'number' ? files : JSON.stringify(files)}`);
    lines.push(`indexing: ${JSON.stringify(status?.indexing ?? false)}`);
    if (server.description) lines.push(`server: ${server.description}`);
    const choice = await vscode.window.showInformationMessage(lines.join(' · '), { modal: false }, 'Show details');
    if (choice === 'Show details') output.show(true);
  } catch (error) {
    void vscode.window.showErrorMessage(`archrules: status: ${errorText(error)}`);
  }
}

async function createAdr(server: ArchrulesServer): Promise<void> {
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
    const result = await server.execute<{ uri?: string } | null>(SERVER_COMMANDS.createAdr, [argument]);
    if (!result?.uri) throw new Error('the server returned no file');
    const opened = await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), { preview: false });
    // The server's workspace edit creates the file and fills it in the editor: the user
    // asked for the file, so it is saved.
    if (opened.document.isDirty) await opened.document.save();
  } catch (error) {
    void vscode.window.showErrorMessage(`archrules: Create ADR: ${errorText(error)}`);
  }
}
