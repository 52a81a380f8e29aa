// The status bar item's text, from the server's status and explainFile commands.
// No `vscode` import here: the unit tests run this module under plain Node.

export interface ServerStatus {
  version?: string;
  configs?: unknown;
  files?: unknown;
  indexing?: unknown;
  /** Files read so far, of `discovered`, while `indexing` is true. */
  indexed?: unknown;
  discovered?: unknown;
  timings?: unknown;
}

export interface Explanation {
  module?: string | null;
  layer?: string | null;
  markdown?: string;
}

/** The language server's state, as the status bar shows it. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Poll the server again soon: it is still indexing. */
  busy: boolean;
}

function count(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

/** `indexing` may be a boolean, a count of files left, or an object with done/total. */
export function indexingProgress(
  indexing: unknown,
  indexed?: unknown,
  discovered?: unknown,
): { busy: boolean; text: string } {
  if (indexing === true) {
    if (typeof indexed === 'number' && typeof discovered === 'number' && discovered > 0) {
      return { busy: true, text: `indexing ${indexed}/${discovered}` };
    }
    return { busy: true, text: 'indexing' };
  }
  if (typeof indexing === 'number')
    return indexing > 0 ? { busy: true, text: `indexing (${indexing} left)` } : { busy: false, text: '' };
  if (indexing && typeof indexing === 'object') {
    const o = indexing as Record<string, unknown>;
    const active = o.active ?? o.running ?? o.indexing;
    const done = typeof o.done === 'number' ? o.done : typeof o.indexed === 'number' ? o.indexed : undefined;
    const total = typeof o.total === 'number' ? o.total : undefined;
    const busy = active === true || (active === undefined && done !== undefined && total !== undefined && done < total);
    if (!busy) return { busy: false, text: '' };
    return { busy: true, text: done !== undefined && total !== undefined ? `indexing ${done}/${total}` : 'indexing' };
  }
  return { busy: false, text: '' };
}

export function statusView(
  state: ServerState,
  status: ServerStatus | undefined,
  explanation: Explanation | undefined,
): StatusView {
  if (state === 'starting')
    return { text: '$(sync~spin) archrules', tooltip: 'archrules: starting the server', busy: false };
  if (state === 'failed')
    return {
      text: '$(error) archrules',
      tooltip: 'archrules: the server is not running. Click for the output.',
      busy: false,
    };
  if (state === 'stopped')
    return { text: '$(circle-slash) archrules', tooltip: 'archrules: the server is stopped', busy: false };

  const progress = indexingProgress(status?.indexing, status?.indexed, status?.discovered);
  const lines = [`archrules ${status?.version ?? ''}`.trim()];
  const files = count(status?.files);
  const configs = count(status?.configs);
  if (files !== undefined) lines.push(`${files} files`);
  if (configs !== undefined) lines.push(`${configs} config${configs === 1 ? '' : 's'}`);
  if (progress.busy) lines.push(progress.text);
  if (explanation?.module) {
    lines.push(
      `this file: ${explanation.module}${explanation.layer ? `, layer ${explanation.layer}` : ', in no layer'}`,
    );
  }
  lines.push('Click for the status');

  let text: string;
  if (progress.busy) text = `$(sync~spin) archrules: ${progress.text}`;
  else if (explanation?.layer) text = `$(layers) ${explanation.layer}`;
  else text = '$(check) archrules';
  return { text, tooltip: lines.join('\n'), busy: progress.busy };
}
