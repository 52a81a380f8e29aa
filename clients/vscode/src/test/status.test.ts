import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { indexingProgress, statusView } from '../status';

describe('indexingProgress', () => {
  it('understands a boolean, a count and done/total', () => {
    assert.deepEqual(indexingProgress(true), { busy: true, text: 'indexing' });
    assert.deepEqual(indexingProgress(false), { busy: false, text: '' });
    assert.deepEqual(indexingProgress(undefined), { busy: false, text: '' });
    assert.deepEqual(indexingProgress(7), { busy: true, text: 'indexing (7 left)' });
    assert.deepEqual(indexingProgress(0), { busy: false, text: '' });
    assert.deepEqual(indexingProgress({ done: 3, total: 10 }), { busy: true, text: 'indexing 3/10' });
    assert.deepEqual(indexingProgress({ done: 10, total: 10 }), { busy: false, text: '' });
    assert.deepEqual(indexingProgress({ active: true }), { busy: true, text: 'indexing' });
    assert.deepEqual(indexingProgress({ active: false, done: 1, total: 10 }), { busy: false, text: '' });
  });

  it("uses the server's indexed/discovered counts beside a boolean", () => {
    assert.deepEqual(indexingProgress(true, 12, 53), { busy: true, text: 'indexing 12/53' });
    assert.deepEqual(indexingProgress(false, 53, 53), { busy: false, text: '' });
    assert.deepEqual(indexingProgress(true, 0, 0), { busy: true, text: 'indexing' });
  });
});

describe('statusView', () => {
  it('shows indexing progress and asks to be polled while the server indexes', () => {
    const view = statusView('running', { version: '0.1.0', files: 48, indexing: { done: 3, total: 48 } }, undefined);
    assert.equal(view.busy, true);
    assert.match(view.text, /indexing 3\/48/);
    assert.match(view.tooltip, /archrules 0\.1\.0/);
    assert.match(view.tooltip, /48 files/);
  });

  it('reads the status archrules server sends', () => {
    const view = statusView(
      'running',
      {
        version: '0.1.0',
        configs: ['/w/archrules.toml'],
        files: 53,
        indexed: 20,
        discovered: 53,
        indexing: true,
        timings: [],
      },
      undefined,
    );
    assert.equal(view.text, '$(sync~spin) archrules: indexing 20/53');
    assert.equal(view.busy, true);
  });

  it("shows the current file's layer once indexed", () => {
    const view = statusView(
      'running',
      { indexing: false, configs: ['/w/archrules.toml'] },
      { module: 'shop.domain.cart', layer: 'shop.domain' },
    );
    assert.equal(view.busy, false);
    assert.equal(view.text, '$(layers) shop.domain');
    assert.match(view.tooltip, /this file: shop\.domain\.cart, layer shop\.domain/);
    assert.match(view.tooltip, /1 config\b/);
  });

  it('says when a module is in no layer', () => {
    const view = statusView('running', { indexing: false }, { module: 'shop.utils.formatting', layer: null });
    assert.equal(view.text, '$(check) archrules');
    assert.match(view.tooltip, /in no layer/);
  });

  it('shows starting, stopped and failed states', () => {
    assert.match(statusView('starting', undefined, undefined).text, /sync~spin/);
    assert.match(statusView('failed', undefined, undefined).text, /error/);
    assert.match(statusView('stopped', undefined, undefined).text, /circle-slash/);
  });
});
