// The archrules extension: starts `archrules server` (server.ts) and wires its status bar
// (statusBar.ts), commands (commands.ts) and views (explanationView.ts, architectureView.ts)
// into VS Code. The decisions that need no VS Code (which command, which settings, the status
// text, when to restart) live in launch.ts, settings.ts, status.ts and restarts.ts, where unit
// tests reach them.

import * as vscode from 'vscode';

import { ArchitectureView } from './architectureView';
import { registerCommands } from './commands';
import { ExplanationView } from './explanationView';
import { ArchrulesServer } from './server';
import { StatusBar } from './statusBar';

let server: ArchrulesServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('archrules', { log: true });
  const started = new ArchrulesServer(context, output);
  server = started;
  const ask = <T>(command: string, args: unknown[]) => started.execute<T>(command, args);
  const statusBar = new StatusBar(started, output);
  const explanation = new ExplanationView(ask);
  const architecture = new ArchitectureView(ask);
  context.subscriptions.push(
    output,
    started,
    statusBar,
    explanation,
    architecture,
    ...registerCommands({ server: started, output, statusBar, explanation, architecture }),
    started.onDidChangeSettings(() => explanation.clear()),
    vscode.workspace.onDidChangeConfiguration((event) => started.onConfigurationChanged(event)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void started.restart()),
  );
  await started.start();
}

export async function deactivate(): Promise<void> {
  const stopping = server;
  server = undefined;
  if (stopping) await stopping.stop();
}
