// "archrules: Show architecture": what the webview shows and which clicks it obeys.
// No `vscode` import here: the unit tests run this module under plain Node. The page itself
// comes from the server (`archrules.server.graph`, the same HTML as `archrules graph --format html`).

/** The answer of the server command `archrules.server.graph`. */
export interface GraphResult {
  config?: string;
  html?: string;
  boxes?: number;
  violations?: number;
  /** The project is still being indexed: the picture holds the files read so far. */
  indexing?: boolean;
}

/** A click on an import in the page: open this file at this 0-based position. */
export interface OpenRequest {
  path: string;
  line: number;
  col: number;
}

function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The page's `{type: 'open', path, line, col}` message, checked; anything else is ignored. */
export function openRequest(message: unknown): OpenRequest | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const m = message as Record<string, unknown>;
  if (m.type !== 'open' || typeof m.path !== 'string' || !isPosition(m.line) || !isPosition(m.col)) return undefined;
  const absolute = m.path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(m.path);
  if (!absolute || !m.path.endsWith('.py')) return undefined;
  return { path: m.path, line: m.line, col: m.col };
}

/** The tab's title: the project's folder and its count of violating imports. */
export function panelTitle(result: GraphResult): string {
  const folder = (result.config ?? '').split(/[\\/]/).slice(-2, -1)[0];
  const count = result.violations ?? 0;
  const what = `${count} violation${count === 1 ? '' : 's'}`;
  return folder ? `Architecture: ${folder} (${what})` : `Architecture (${what})`;
}

const INDEXING_NOTE =
  '<p style="margin:8px 16px;padding:6px 10px;border-left:3px solid #e0a800">archrules is still reading the project: ' +
  'this picture holds the files read so far. Run "archrules: Show architecture" again when it is done.</p>';

/** The HTML for the webview, or undefined when the server had no project to draw. */
export function webviewHtml(result: GraphResult | null | undefined): string | undefined {
  const html = result?.html;
  if (typeof html !== 'string' || html === '') return undefined;
  if (!result?.indexing) return html;
  return html.replace(/<body>/, `<body>${INDEXING_NOTE}`);
}
