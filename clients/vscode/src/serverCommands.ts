// The language server's `workspace/executeCommand` names. They live under `archrules.server.`
// so that none is also a command of this extension: vscode-languageclient registers every
// command the server advertises as a VS Code command, and a second registration of one id
// fails the start. No `vscode` import here: the unit tests run this module under plain Node.

export const SERVER_COMMANDS = {
  /** Version, configs, file count, indexing progress, timings: `ServerStatus`. */
  status: 'archrules.server.status',
  /** A file's module, layer and Markdown explanation: `Explanation`. */
  explainFile: 'archrules.server.explainFile',
  /** `{title, uri?}` -> `{uri}` of the new ADR, written by a workspace edit. */
  createAdr: 'archrules.server.createAdr',
  /** A file or folder URI -> the architecture picture: `GraphResult`. */
  graph: 'archrules.server.graph',
} as const;

/** Sends one server command; rejects when the server is not running. */
export type AskServer = <T>(command: string, args: unknown[]) => Promise<T>;
