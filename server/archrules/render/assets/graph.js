// archrules graph --format html: inlined into the page (render/picture.py); no network, no library.
// In a VS Code webview, a click on an import asks the extension to open it.
(function () {
  var data = JSON.parse(document.getElementById('archrules-data').textContent);
  var vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  var panel = document.getElementById('panel');
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function siteItem(site) {
    var li = el('li');
    var a = el('a', site.where);
    a.href = site.url + '#L' + (site.line + 1);
    a.dataset.path = site.path;
    a.dataset.line = String(site.line);
    a.dataset.col = String(site.col);
    a.addEventListener('click', function (event) {
      if (!vscode) return;
      event.preventDefault();
      vscode.postMessage({ type: 'open', path: site.path, line: site.line, col: site.col });
    });
    li.appendChild(a);
    li.appendChild(el('div', site.importer + ' \u2192 ' + site.imported));
    if (site.rule) {
      li.appendChild(el('div', site.rule + (site.indirect ? ' (indirect)' : '') + ': ' + site.message, 'msg'));
    }
    return li;
  }
  function select(index) {
    var link = data.links[index];
    document.querySelectorAll('.link.selected').forEach(function (e) { e.classList.remove('selected'); });
    document.querySelectorAll('.link[data-link="' + index + '"]').forEach(function (e) { e.classList.add('selected'); });
    panel.textContent = '';
    var close = el('button', 'Close');
    close.addEventListener('click', function () { panel.hidden = true; });
    panel.appendChild(close);
    panel.appendChild(el('h2', link.source + ' \u2192 ' + link.target));
    var sites = link.violations.length ? link.violations : link.examples;
    var what = link.violations.length
      ? link.violations.length + ' import' + (link.violations.length === 1 ? '' : 's') + ' breaking ' + link.rules.join(', ')
      : link.imports + ' import' + (link.imports === 1 ? '' : 's') + ', allowed' + (link.imports > sites.length ? ' (the first ' + sites.length + ')' : '');
    panel.appendChild(el('p', what));
    var list = el('ol');
    sites.forEach(function (site) { list.appendChild(siteItem(site)); });
    panel.appendChild(list);
    panel.hidden = false;
  }
  document.querySelectorAll('[data-link]').forEach(function (e) {
    e.addEventListener('click', function () { select(Number(e.dataset.link)); });
    e.addEventListener('keydown', function (event) { if (event.key === 'Enter') select(Number(e.dataset.link)); });
  });
  var focused = null;
  document.querySelectorAll('.box').forEach(function (e) {
    e.addEventListener('click', function () {
      var name = e.dataset.box;
      focused = focused === name ? null : name;
      document.querySelectorAll('.link, .count').forEach(function (l) {
        var link = data.links[Number(l.dataset.link)];
        var on = !focused || link.source === focused || link.target === focused;
        l.classList.toggle('faded', !on);
      });
    });
  });
  var toggle = document.getElementById('show-allowed');
  toggle.addEventListener('change', function () {
    document.body.classList.toggle('hide-allowed', !toggle.checked);
  });
})();
