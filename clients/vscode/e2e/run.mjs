// End-to-end test of the packaged extension in a real VS Code: code-server 4.100.3 (VS Code
// 1.100) in headless Chromium, on a temporary copy of examples/shop.
//
//   node e2e/run.mjs          (npm run e2e builds the .vsix first, then runs this)
//
// Environment:
//   ARCHRULES_PYTHON                 interpreter for archrules.interpreter (default <repo>/.venv/bin/python)
//   ARCHRULES_E2E_LAUNCH             how the extension is told to start the server:
//                                    bundled (default): archrules.interpreter=ARCHRULES_PYTHON, importStrategy useBundled
//                                      (the archrules inside the .vsix);
//                                    environment: the same with importStrategy fromEnvironment;
//                                    path: archrules.path = [<dir of ARCHRULES_PYTHON>/archrules, server]
//   ARCHRULES_VSIX                   the .vsix to test (default archrules-<version>.vsix here)
//   ARCHRULES_EDITORS_CACHE          where scripts/install-code-server.sh installs (default ~/.cache/archrules-editors)
//   KEEP_E2E_TMP=1                   keep the temporary workspace and profile
//
// Screenshots and logs go to e2e-artifacts/. Exits 0 only when every check passed. Every wait
// has a timeout, the whole run has one, and the code-server it started is stopped at the end.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const repoRoot = path.resolve(extensionDir, '..', '..');
const artifacts = path.join(extensionDir, 'e2e-artifacts');
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const vsix = process.env.ARCHRULES_VSIX || path.join(extensionDir, `${manifest.name}-${manifest.version}.vsix`);
const python = process.env.ARCHRULES_PYTHON || path.join(repoRoot, '.venv', 'bin', 'python');
const launchMode = process.env.ARCHRULES_E2E_LAUNCH || 'bundled';
const LAUNCH_SETTINGS = {
  bundled: { 'archrules.interpreter': python, 'archrules.importStrategy': 'useBundled' },
  environment: { 'archrules.interpreter': python, 'archrules.importStrategy': 'fromEnvironment' },
  path: { 'archrules.path': [path.join(path.dirname(python), 'archrules'), 'server'] },
}[launchMode];
if (!LAUNCH_SETTINGS) {
  console.error(`e2e: ARCHRULES_E2E_LAUNCH must be bundled, environment or path, not ${launchMode}`);
  process.exit(2);
}

const TOTAL_MS = 12 * 60 * 1000;
const SERVER_READY_MS = 90 * 1000;
const DIAGNOSTIC_MS = 90 * 1000;
const UI_MS = 20 * 1000;

const results = [];
let codeServer;
let browser;
let tmp;
let page;
let shotIndex = 0;

function log(message) {
  console.log(`e2e: ${message}`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function screenshot(name) {
  if (!page) return undefined;
  const file = path.join(artifacts, `${String(++shotIndex).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15000 });
    log(`screenshot ${path.relative(extensionDir, file)}`);
    return file;
  } catch (error) {
    log(`screenshot ${name} failed: ${error.message}`);
    return undefined;
  }
}

/** Runs one check; a failure is recorded with a screenshot, and the run goes on only if asked. */
async function check(name, fn, { fatal = true } = {}) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    results.push({ name, ok: false, error });
    log(`FAIL ${name}: ${error.stack || error}`);
    await screenshot(`failed-${name.replace(/\W+/g, '-').toLowerCase()}`);
    if (fatal) throw new StopRun();
    return false;
  }
}

class StopRun extends Error {}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    if (codeServer?.exitCode !== null && codeServer?.exitCode !== undefined) {
      throw new Error(`code-server exited with ${codeServer.exitCode}`);
    }
    await sleep(500);
  }
  throw new Error(`${url} did not answer in ${ms / 1000} s (${last})`);
}

function runChecked(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The text of the editor's Problems panel. */
async function problemsText() {
  return page.evaluate(() => document.querySelector('.markers-panel')?.innerText ?? '');
}

/** Waits for a predicate over the Problems panel's text. */
async function waitForProblems(predicate, what, ms = DIAGNOSTIC_MS) {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = await problemsText();
    if (predicate(text)) return text;
    await sleep(250);
  }
  throw new Error(`the Problems panel never ${what} in ${ms / 1000} s; it shows:\n${text.slice(0, 2000)}`);
}

/** The squiggles (error/warning/info) drawn in the active editor. */
async function squiggles() {
  return page.evaluate(() => {
    const editor =
      document.querySelector('.editor-group-container.active .monaco-editor') ??
      document.querySelector('.monaco-editor');
    if (!editor) return [];
    return [...editor.querySelectorAll('.squiggly-error, .squiggly-warning, .squiggly-info')].map((el) => {
      const box = el.getBoundingClientRect();
      return { cls: el.className, x: box.x, y: box.y, width: box.width, height: box.height };
    });
  });
}

async function waitForSquiggles(predicate, what, ms = DIAGNOSTIC_MS) {
  const deadline = Date.now() + ms;
  let found = [];
  while (Date.now() < deadline) {
    found = await squiggles();
    if (predicate(found)) return found;
    await sleep(250);
  }
  throw new Error(`the editor never ${what} in ${ms / 1000} s (squiggles: ${JSON.stringify(found)})`);
}

/**
 * Filters the Problems panel to entries containing `text` (the list is virtual: only the
 * entries in view are in the page).
 */
async function filterProblems(text) {
  const input = page.locator('.panel input[placeholder^="Filter (e.g. text"]').first();
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill(text);
  await sleep(500);
  await page
    .locator('.editor-group-container.active .monaco-editor .view-lines')
    .click({ position: { x: 5, y: 5 } })
    .catch(() => undefined);
}

/** Runs a command from the command palette by its title. */
async function runCommand(title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill(`>${title}`);
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: UI_MS });
  await page.keyboard.press('Enter');
}

async function openFile(relative) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill(relative);
  const name = path.basename(relative);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ state: 'visible', timeout: UI_MS });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: UI_MS });
  await page
    .locator('.editor-group-container.active .monaco-editor .view-lines')
    .waitFor({ state: 'visible', timeout: UI_MS });
}

async function goToLine(line) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await sleep(300);
}

/** Copies the extension's output channel and the extension host's log into e2e-artifacts/. */
function saveLogs(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { recursive: true })) {
    const name = String(entry);
    if (/archrules.*\.log$|exthost\.log$/i.test(path.basename(name))) {
      const target = path.join(artifacts, `log-${name.replace(/[\\/]+/g, '_')}`);
      try {
        fs.copyFileSync(path.join(dir, name), target);
      } catch {
        // a log that vanished
      }
    }
  }
}

async function cleanup() {
  if (browser) {
    await Promise.race([browser.close().catch(() => undefined), sleep(10000)]);
    browser = undefined;
  }
  if (codeServer && codeServer.exitCode === null) {
    // code-server was started in its own process group: stop it and its children (the
    // extension host, the archrules server) by that group's id.
    const pid = codeServer.pid;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10000;
    while (codeServer.exitCode === null && Date.now() < deadline) await sleep(200);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (tmp) saveLogs(path.join(tmp, 'user-data', 'logs'));
  if (tmp && !process.env.KEEP_E2E_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp}`);
}

async function main() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });

  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first (npm run e2e does)`);
  if (!fs.existsSync(python))
    throw new Error(`${python} is missing: set ARCHRULES_PYTHON to a Python with archrules's dependencies`);

  log('installing code-server (reused when present)');
  const installOut = runChecked('bash', [path.join(repoRoot, 'scripts', 'install-code-server.sh')], {
    timeout: 20 * 60 * 1000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const entry = installOut.trim().split('\n').pop();
  const installDir = entry.replace(/node_modules\/code-server\/out\/node\/entry\.js$/, '');
  const require = createRequire(path.join(installDir, 'package.json'));
  const { chromium } = require('playwright-core');

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'archrules-vscode-e2e-'));
  const workspace = path.join(tmp, 'shop');
  fs.cpSync(path.join(repoRoot, 'examples', 'shop'), workspace, { recursive: true });
  const extensionsDir = path.join(tmp, 'extensions');
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'editor.hover.delay': 300,
    'editor.hover.above': false,
    'files.autoSave': 'off',
    ...LAUNCH_SETTINGS,
    'archrules.logLevel': 'debug',
  };
  const settingsFile = path.join(userData, 'User', 'settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  // Later changes go through the settings.json editor, as a person makes them (code-server
  // does not notice this file changing on disk).
  const writeSettings = async (changes) => {
    const text = JSON.stringify({ ...settings, ...changes }, null, 2);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await runCommand('Preferences: Open User Settings (JSON)');
    await page.locator('.tab.active', { hasText: 'settings.json' }).waitFor({ state: 'visible', timeout: UI_MS });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await sleep(300);
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + UI_MS;
    const onDisk = () => {
      try {
        return JSON.stringify(JSON.parse(fs.readFileSync(settingsFile, 'utf8')));
      } catch {
        return '';
      }
    };
    while (onDisk() !== JSON.stringify(JSON.parse(text)) || (await page.locator('.tab.active.dirty').count()) > 0) {
      if (Date.now() > deadline)
        throw new Error(`settings.json was not saved as meant:\n${fs.readFileSync(settingsFile, 'utf8')}`);
      await sleep(200);
    }
    await page.keyboard.press('Control+W');
    await page.locator('.tab', { hasText: 'settings.json' }).waitFor({ state: 'detached', timeout: UI_MS });
  };
  log(`workspace ${workspace}; launch ${launchMode}: ${JSON.stringify(LAUNCH_SETTINGS)}`);

  log(`installing ${path.relative(repoRoot, vsix)}`);
  runChecked(
    process.execPath,
    [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userData, '--install-extension', vsix],
    {
      timeout: 3 * 60 * 1000,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const installed = fs
    .readdirSync(extensionsDir)
    .filter((name) => name.startsWith(`${manifest.publisher}.${manifest.name}-`));
  if (installed.length !== 1)
    throw new Error(`the extension is not in ${extensionsDir}: ${fs.readdirSync(extensionsDir)}`);

  const port = await freePort();
  const serverLog = fs.openSync(path.join(artifacts, 'code-server.log'), 'w');
  codeServer = spawn(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userData,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      workspace,
    ],
    {
      detached: true,
      stdio: ['ignore', serverLog, serverLog],
      env: { ...process.env, ARCHRULES_CACHE_DIR: path.join(tmp, 'archrules-cache') },
    },
  );
  log(`code-server pid ${codeServer.pid} on port ${port}`);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    timeout: 60000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
  page = await context.newPage();
  page.setDefaultTimeout(UI_MS);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
  await sleep(2000);

  const cartPath = path.join(workspace, 'src', 'shop', 'domain', 'cart.py');
  const ruleMessage = 'shop.domain.cart (layer shop.domain) imports shop.web.forms';
  const adrTitle = 'Layered architecture: entry points, services, domain';

  // 1. A planted violation: a squiggle in the editor and a Problems entry with the rule name.
  await check('a violation is underlined and listed in Problems with its rule', async () => {
    await openFile('src/shop/domain/cart.py');
    await waitForSquiggles(
      (found) => found.some((s) => s.cls.includes('squiggly-error')),
      'showed an error squiggle',
      SERVER_READY_MS,
    );
    await page.keyboard.press('Control+Shift+M');
    await filterProblems('shop.domain.cart');
    const text = await waitForProblems((t) => t.includes(ruleMessage), `listed "${ruleMessage}"`);
    if (!text.includes('clean-architecture'))
      throw new Error(`no rule name "clean-architecture" in Problems:\n${text}`);
    if (!text.includes('archrules')) throw new Error('no source "archrules" in Problems');
    await screenshot('problems');
  });

  // 2. Hover on the violating import: the rule, the layers and the ADR's title.
  await check('hover on the violating import shows the rule and the ADR title', async () => {
    const [squiggle] = await squiggles();
    await page.mouse.move(10, 10);
    await sleep(300);
    await page.mouse.move(squiggle.x + Math.min(20, squiggle.width / 2), squiggle.y + squiggle.height / 2 - 4);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: adrTitle }).first();
    await hover.waitFor({ state: 'visible', timeout: UI_MS });
    const text = await hover.innerText();
    for (const expected of ['clean-architecture', 'shop.domain', 'shop.web', adrTitle]) {
      if (!text.includes(expected)) throw new Error(`hover lacks "${expected}":\n${text}`);
    }
    await sleep(500);
    const file = await screenshot('hover');
    if (file) fs.copyFileSync(file, path.join(artifacts, 'vscode-hover.png'));
  });

  // 3. The quick fix through the UI: Ctrl+. on the line, pick "Allow clean-architecture here (ADR-0002)".
  await check('the "Allow <rule> here (ADR-NNNN)" quick fix edits the file and clears the diagnostic', async () => {
    const fixTitle = 'Allow clean-architecture here (ADR-0002)';
    await page.mouse.move(10, 10);
    await page.keyboard.press('Escape');
    const [squiggle] = await squiggles();
    await page.mouse.click(squiggle.x + Math.min(20, squiggle.width / 2), squiggle.y + squiggle.height / 2 - 4);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: fixTitle }).first();
    await item.waitFor({ state: 'visible', timeout: UI_MS });
    await screenshot('quick-fix-menu');
    // The menu is driven with the keyboard, as a person does after Ctrl+. (a pointer block
    // covers it until the mouse moves).
    for (let i = 0; ; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label');
      if (focused === fixTitle) break;
      if (i >= 10) throw new Error(`could not reach "${fixTitle}" in the Quick Fix menu (focused: ${focused})`);
      await page.keyboard.press('ArrowDown');
      await sleep(100);
    }
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + UI_MS;
    let text = fs.readFileSync(cartPath, 'utf8');
    while (!text.includes('# archrules: allow[clean-architecture] ADR-0002') && Date.now() < deadline) {
      await sleep(250);
      text = fs.readFileSync(cartPath, 'utf8');
    }
    const line = text.split('\n').find((l) => l.includes('archrules: allow[clean-architecture]'));
    if (!line) throw new Error(`cart.py on disk has no exception comment:\n${text}`);
    log(`cart.py now has: ${line.trim()}`);
    await waitForProblems((t) => !t.includes(ruleMessage), `dropped "${ruleMessage}"`);
    await waitForSquiggles(
      (found) => !found.some((s) => s.cls.includes('squiggly-error')),
      'cleared its error squiggle',
    );
    await screenshot('after-quick-fix');
  });

  // 4. Typing a violating import makes a new diagnostic appear, before any save.
  await check('typing a violating import adds a diagnostic as you type', async () => {
    // At the start of a top-level import line, so that the new line is top-level too.
    const lines = fs.readFileSync(cartPath, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^from shop\.domain\.\w+ import /.test(l));
    if (at < 0) throw new Error('cart.py has no top-level "from shop.domain... import" line');
    await goToLine(at + 1);
    await page.keyboard.press('Home');
    await page.keyboard.type('import shop.cli.export', { delay: 15 });
    await page.keyboard.press('Enter');
    await waitForSquiggles(
      (found) => found.some((s) => s.cls.includes('squiggly-error')),
      'showed a squiggle for the typed import',
    );
    await waitForProblems(
      (t) => t.includes('shop.cli.export') && t.includes('clean-architecture'),
      'listed the typed import',
    );
    const onDisk = fs.readFileSync(cartPath, 'utf8');
    if (onDisk.includes('import shop.cli.export'))
      throw new Error('the file was saved: the check is meant for unsaved text');
    await screenshot('typed-violation');
  });

  // 5. The status bar shows the current file's layer.
  await check(
    "the status bar shows the current file's layer",
    async () => {
      const deadline = Date.now() + UI_MS;
      let text = '';
      while (Date.now() < deadline) {
        text = await page.evaluate(() => document.querySelector('.statusbar')?.innerText ?? '');
        if (text.includes('shop.domain')) return;
        await sleep(300);
      }
      throw new Error(`no "shop.domain" in the status bar: ${text}`);
    },
    { fatal: false },
  );

  // 6. archrules: Show status -> the server's summary in a notification.
  await check(
    '"archrules: Show status" shows the server status',
    async () => {
      await runCommand('archrules: Show status');
      const toast = page
        .locator('.notifications-toasts .notification-toast', { hasText: `archrules ${manifest.version}` })
        .first();
      await toast.waitFor({ state: 'visible', timeout: UI_MS });
      await screenshot('status');
      await page.keyboard.press('Escape');
    },
    { fatal: false },
  );

  // 7. archrules: Explain this file -> a Markdown preview of the module's layer and rules.
  await check(
    '"archrules: Explain this file" opens a Markdown preview',
    async () => {
      await page.locator('.tab', { hasText: 'cart.py' }).first().click();
      await runCommand('archrules: Explain this file');
      await page.locator('.tab', { hasText: 'shop.domain.cart' }).first().waitFor({ state: 'visible', timeout: UI_MS });
      await sleep(1500);
      await screenshot('explain');
    },
    { fatal: false },
  );

  // 8. archrules: Create ADR -> the next ADR file, opened.
  await check(
    '"archrules: Create ADR" creates and opens the next ADR',
    async () => {
      await page.locator('.tab', { hasText: 'cart.py' }).first().click();
      await runCommand('archrules: Create ADR');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: UI_MS });
      await input.fill('Publish domain events through a message bus');
      await page.keyboard.press('Enter');
      await page
        .locator('.tab.active', { hasText: /^0011-.*\.md/ })
        .first()
        .waitFor({ state: 'visible', timeout: UI_MS });
      const created = fs.readdirSync(path.join(workspace, 'docs', 'adr')).filter((n) => n.startsWith('0011-'));
      if (created.length !== 1)
        throw new Error(`docs/adr has no 0011-*.md: ${fs.readdirSync(path.join(workspace, 'docs', 'adr'))}`);
      const adrFile = path.join(workspace, 'docs', 'adr', created[0]);
      const deadline = Date.now() + UI_MS;
      while (!fs.readFileSync(adrFile, 'utf8').includes('# Publish domain events through a message bus')) {
        if (Date.now() > deadline)
          throw new Error(`${created[0]} on disk lacks its title:\n${fs.readFileSync(adrFile, 'utf8')}`);
        await sleep(250);
      }
      log(`created docs/adr/${created[0]}`);
      await screenshot('create-adr');
    },
    { fatal: false },
  );

  const archrulesLog = () => {
    const dir = path.join(userData, 'logs');
    const name = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .find((n) => /archrules\.archrules.*\.log$/.test(n));
    return name ? fs.readFileSync(path.join(dir, name), 'utf8') : '';
  };
  const toasts = () => page.locator('.notifications-toasts .notification-toast');
  const clearToasts = async () => {
    await runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await page.keyboard.press('Escape');
  };
  const backToCart = async () => {
    await page.locator('.tab', { hasText: 'cart.py' }).first().click();
    await page.locator('.tab.active', { hasText: 'cart.py' }).waitFor({ state: 'visible', timeout: UI_MS });
  };

  /** The Problems panel's entries: text and severity icon. */
  const problemRows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((row) => ({
        text: row.innerText,
        severity: row.querySelector('.codicon-error')
          ? 'error'
          : row.querySelector('.codicon-warning')
            ? 'warning'
            : 'other',
      })),
    );
  const waitForRow = async (predicate, what, ms = DIAGNOSTIC_MS) => {
    const deadline = Date.now() + ms;
    let rows = [];
    while (Date.now() < deadline) {
      rows = await problemRows();
      if (rows.some(predicate)) return;
      await sleep(250);
    }
    throw new Error(`the Problems panel never ${what} in ${ms / 1000} s: ${JSON.stringify(rows.slice(0, 12))}`);
  };
  const receiptRow = (severity) => (row) =>
    row.severity === severity && row.text.includes('shop.domain.receipt') && row.text.includes('clean-architecture');

  // 8b. archrules.toml is a document of the extension too: a config error typed there is reported.
  await check(
    'a config error typed in archrules.toml is underlined',
    async () => {
      await openFile('archrules.toml');
      await goToLine(1);
      await page.keyboard.press('Home');
      await page.keyboard.type('bogus-key = 1', { delay: 15 });
      await page.keyboard.press('Enter');
      await waitForSquiggles(
        (found) => found.some((q) => q.cls.includes('squiggly-error')),
        'underlined the unknown key',
      );
      await filterProblems('bogus-key');
      await waitForProblems((t) => t.includes("unknown key 'bogus-key'"), 'listed the unknown key');
      await screenshot('config-error');
      // Undo the edit and leave the file unchanged (it is never saved).
      await page.keyboard.press('Control+Z');
      await page.keyboard.press('Control+Z');
      await filterProblems('shop.domain.cart');
    },
    { fatal: false },
  );

  // 9. A server setting changed in settings.json reaches the running server.
  let severityChanged = false;
  await check(
    'archrules.severity, changed while running, reaches the server',
    async () => {
      await backToCart();
      await filterProblems('shop.domain.receipt');
      await waitForRow(receiptRow('error'), 'listed the receipt.py chain as an error');
      await writeSettings({ 'archrules.severity': { 'clean-architecture': 'warning' } });
      severityChanged = true;
      await backToCart();
      await waitForRow(receiptRow('warning'), 'listed the receipt.py chain as a warning');
      await screenshot('severity-warning');
      await filterProblems('shop.domain.cart');
    },
    { fatal: false },
  );

  // 9b. ... including the diagnostics of the open, edited document.
  await check(
    "a settings change updates the open document's diagnostics",
    async () => {
      if (!severityChanged) throw new Error('the setting was not changed');
      await waitForSquiggles(
        (found) =>
          found.some((q) => q.cls.includes('squiggly-warning')) && !found.some((q) => q.cls.includes('squiggly-error')),
        'turned the typed clean-architecture error into a warning',
        15000,
      );
    },
    { fatal: false },
  );
  if (severityChanged) {
    await writeSettings({});
    await backToCart();
  }

  // 10. A broken interpreter: one error notification with "Open settings", which opens the setting.
  await check(
    'a broken archrules.interpreter gives one notification whose button opens the setting',
    async () => {
      await clearToasts();
      await writeSettings({ 'archrules.path': [], 'archrules.interpreter': '/nonexistent/bin/python3' });
      const toast = toasts().filter({ hasText: '/nonexistent/bin/python3' });
      await toast.first().waitFor({ state: 'visible', timeout: UI_MS });
      await sleep(5000);
      const count = await toasts().count();
      if (count !== 1) throw new Error(`${count} notifications, not 1: ${await toasts().allInnerTexts()}`);
      const text = await toast.first().innerText();
      if (!/could not be run/.test(text)) throw new Error(`the notification does not say what is wrong: ${text}`);
      await screenshot('broken-interpreter');
      await toast.first().locator('.monaco-button', { hasText: 'Open settings' }).click();
      await page
        .locator('.settings-editor .setting-item-contents', { hasText: 'Interpreter' })
        .first()
        .waitFor({ state: 'visible', timeout: UI_MS });
      await screenshot('open-settings');
    },
    { fatal: false },
  );

  // 11. Fixing the setting restarts the server: diagnostics come back.
  await check(
    'fixing archrules.interpreter restarts the server',
    async () => {
      await writeSettings({});
      await backToCart();
      await waitForSquiggles(
        (found) => found.some((q) => q.cls.includes('squiggly-error')),
        'showed diagnostics again',
        SERVER_READY_MS,
      );
    },
    { fatal: false },
  );

  // 12. A server that dies while starting is not restarted in a loop.
  await check(
    'a server that exits at start is not restarted in a loop',
    async () => {
      await clearToasts();
      await writeSettings({ 'archrules.path': ['/bin/sh', '-c', 'echo archrules-e2e-crash >&2; exit 3'] });
      const toast = toasts().filter({ hasText: 'exited while starting' });
      await toast.first().waitFor({ state: 'visible', timeout: UI_MS });
      await sleep(8000);
      const starts = (archrulesLog().match(/starting: \/bin\/sh/g) ?? []).length;
      if (starts !== 1) throw new Error(`the crashing server was started ${starts} times`);
      const count = await toasts().count();
      if (count !== 1) throw new Error(`${count} notifications, not 1: ${await toasts().allInnerTexts()}`);
      await screenshot('crash-at-start');
    },
    { fatal: false },
  );
  await writeSettings({});

  // 13. A multi-root workspace: one server serves the files of every folder.
  await check(
    'in a two-folder workspace, a file of the second folder gets diagnostics',
    async () => {
      const second = path.join(tmp, 'shop-b');
      fs.cpSync(path.join(repoRoot, 'examples', 'shop'), second, { recursive: true });
      const workspaceFile = path.join(tmp, 'two-shops.code-workspace');
      fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'shop' }, { path: 'shop-b' }] }, null, 2));
      const old = page;
      page = await context.newPage();
      page.setDefaultTimeout(UI_MS);
      await old.close({ runBeforeUnload: false });
      // code-server sometimes shows the workbench with no folder at all, or before the
      // workspace's folders are restored: load the page again until the explorer lists both
      const url = `http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspaceFile)}`;
      const deadline = Date.now() + SERVER_READY_MS;
      for (;;) {
        await page.goto(url, { timeout: 60000 });
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
        try {
          await page
            .locator('.explorer-folders-view', { hasText: /shop-b/i })
            .first()
            .waitFor({ state: 'visible', timeout: UI_MS });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          log('the two-folder workspace did not load; loading the page again');
        }
      }
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: UI_MS });
      await input.fill('domain/cart.py');
      const row = page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'shop-b' })
        .filter({ hasText: 'cart.py' })
        .first();
      await row.waitFor({ state: 'visible', timeout: UI_MS });
      await row.click();
      await page.locator('.tab.active', { hasText: 'cart.py' }).waitFor({ state: 'visible', timeout: UI_MS });
      await waitForSquiggles(
        (found) => found.some((q) => q.cls.includes('squiggly-error')),
        'underlined the planted import',
        SERVER_READY_MS,
      );
      await page.keyboard.press('Control+Shift+M');
      await filterProblems('shop.domain.cart');
      await waitForProblems((t) => t.includes(ruleMessage), `listed "${ruleMessage}"`);
      const crumbs = await page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText();
      if (!crumbs.includes('shop-b')) throw new Error(`the active editor is not shop-b's cart.py: ${crumbs}`);
      // Files that are not open: the planted CLI violation of each folder, from the workspace diagnostics.
      await filterProblems('shop.cli.export');
      await waitForProblems(
        (t) => /export\.py\s*shop-b/.test(t) && /export\.py\s*shop\b(?!-)/.test(t),
        'listed shop.cli.export for both folders',
        30000,
      );
      await screenshot('multi-root');
    },
    { fatal: false },
  );
}

const watchdog = setTimeout(async () => {
  log(`the whole run took over ${TOTAL_MS / 60000} minutes: stopping`);
  await screenshot('timeout');
  await cleanup();
  process.exit(1);
}, TOTAL_MS);

let failedSetup;
try {
  await main();
} catch (error) {
  if (!(error instanceof StopRun)) {
    failedSetup = error;
    log(`setup failed: ${error.stack || error}`);
    await screenshot('setup-failed');
  }
} finally {
  await cleanup();
  clearTimeout(watchdog);
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (failedSetup ? 1 : 0);
console.log(`\ne2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
