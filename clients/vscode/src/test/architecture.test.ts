import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { openRequest, panelTitle, webviewHtml } from '../architecture';

describe('openRequest', () => {
  it('accepts the page message for an import', () => {
    assert.deepEqual(openRequest({ type: 'open', path: '/w/src/shop/domain/cart.py', line: 10, col: 5 }), {
      path: '/w/src/shop/domain/cart.py',
      line: 10,
      col: 5,
    });
    assert.deepEqual(openRequest({ type: 'open', path: 'C:\\w\\cart.py', line: 0, col: 0 })?.path, 'C:\\w\\cart.py');
  });

  it('ignores anything else', () => {
    for (const message of [
      undefined,
      null,
      'open',
      { type: 'run', path: '/w/a.py', line: 1, col: 1 },
      { type: 'open', path: 'relative/a.py', line: 1, col: 1 },
      { type: 'open', path: '/etc/passwd', line: 1, col: 1 },
      { type: 'open', path: '/w/a.py', line: -1, col: 0 },
      { type: 'open', path: '/w/a.py', line: 1.5, col: 0 },
      { type: 'open', path: '/w/a.py', line: '1', col: 0 },
    ]) {
      assert.equal(openRequest(message), undefined, JSON.stringify(message));
    }
  });
});

describe('panelTitle', () => {
  it("names the project's folder and counts the violations", () => {
    assert.equal(
      panelTitle({ config: '/w/shop/archrules.toml', violations: 12 }),
      'Architecture: shop (12 violations)',
    );
    assert.equal(
      panelTitle({ config: 'C:\\w\\shop\\pyproject.toml', violations: 1 }),
      'Architecture: shop (1 violation)',
    );
    assert.equal(panelTitle({}), 'Architecture (0 violations)');
  });
});

describe('webviewHtml', () => {
  const page = '<!DOCTYPE html><html><head></head><body><svg></svg></body></html>';

  it("shows the server's page as it is once the project is indexed", () => {
    assert.equal(webviewHtml({ html: page, indexing: false }), page);
  });

  it('says that the picture is partial while the server indexes', () => {
    const html = webviewHtml({ html: page, indexing: true });
    assert.match(html ?? '', /<body><p [^>]*>archrules is still reading the project/);
    assert.match(html ?? '', /<svg><\/svg>/);
  });

  it('has nothing to show without a project', () => {
    assert.equal(webviewHtml(null), undefined);
    assert.equal(webviewHtml({ html: '' }), undefined);
    assert.equal(webviewHtml({ violations: 3 }), undefined);
  });
});
