#!/usr/bin/env node
// End-to-end UI tests: a person using Gradscope in a REAL VS Code (code-server 4.100.3 driven by
// Playwright and Debian's Chromium, headless). One code-server and one browser serve every
// scenario; the extension is loaded from the project root (extensionDevelopmentPath) and the
// workspace is a temporary COPY of examples/, so nothing in the repository changes.
//
//   node test/e2e/run.mjs            (npm run test:e2e)
//   node test/e2e/run.mjs --only hover,training   run some scenarios (by id) only
//
// Screenshots: test-results/screenshots/e2e-*.png; README images: docs/images/*.png.
// The last line printed is `N passed, N failed`; the exit code is non-zero on any failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../scripts/vscode/install.mjs';
import { startCodeServer } from '../../scripts/vscode/server.mjs';
import { launchBrowser, newWorkbenchPage, openFile, openWorkbench, runCommand, screenshot, SCREENSHOT_DIR } from '../../scripts/vscode/browser.mjs';

const { values: cli } = parseArgs({ options: { only: { type: 'string' }, verbose: { type: 'boolean', default: false } } });
const only = cli.only ? new Set(cli.only.split(',')) : null;

const DOCS_IMAGES = path.join(PROJECT_ROOT, 'docs', 'images');
const T0 = Date.now();
const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[e2e +${elapsed()}] ${msg}`);

// ---------------------------------------------------------------------------
// Small assertion helpers (no test framework).

class AssertionError extends Error {}
function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}
function assertEqual(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
/** A number as the panel prints it (`-1`, `−1`, `1.5e-10`). */
const num = (text) => Number(String(text).trim().replace(/\u2212/g, '-').replace(/,/g, ''));

// ---------------------------------------------------------------------------
// Workbench helpers: what a person does, with proper waits.

const saved = [];
async function shot(page, name) {
  const file = await screenshot(page, `e2e-${name}`);
  saved.push(path.relative(PROJECT_ROOT, file));
  return file;
}
function saveDocImage(name, buffer) {
  fs.mkdirSync(DOCS_IMAGES, { recursive: true });
  const file = path.join(DOCS_IMAGES, name);
  fs.writeFileSync(file, buffer);
  saved.push(path.relative(PROJECT_ROOT, file));
}

/** Palette command whose row label is exactly `title` (clicked, since several rows may contain it). */
async function runExactCommand(page, title, { timeout = 15_000 } = {}) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout });
  await box.fill(`>${title}`);
  await pickExactRow(page, title, timeout);
}
async function pickExactRow(page, label, timeout = 15_000) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** The editor tab of the results panel (its title is `Gradscope: FILE`). */
const resultsTab = (page, fileName) => page.locator('.tabs-container .tab').filter({ hasText: `Gradscope: ${fileName}` }).first();

/**
 * The document inside a Gradscope webview, two iframes deep. The side view's outer iframe is marked
 * `purpose=webviewView`; the results panel's is not. Only the visible one is meant.
 */
function resultsFrame(page) {
  return page.frameLocator('iframe.webview.ready:not([src*="purpose=webviewView"]):visible').first().frameLocator('iframe#active-frame');
}
function trainingFrame(page) {
  return page.frameLocator('iframe.webview.ready[src*="purpose=webviewView"]:visible').first().frameLocator('iframe#active-frame');
}
const resultsIframe = (page) => page.locator('iframe.webview.ready:not([src*="purpose=webviewView"]):visible').first();

/** Runs Run Backprop on the active `.grad` editor and waits until the panel shows `fileName` with its graph. */
async function runBackprop(page, fileName) {
  await runCommand(page, 'Gradscope: Run Backprop');
  const tab = resultsTab(page, fileName);
  await tab.waitFor({ state: 'visible', timeout: 30_000 });
  const panel = resultsFrame(page);
  await panel.locator('header.header h1', { hasText: fileName }).waitFor({ timeout: 30_000 });
  await panel.locator('.graph-canvas:not(.loading) svg g.node').first().waitFor({ timeout: 30_000 });
  await waitForNotificationsGone(page);
  return panel;
}

/** Run Backprop shows a progress toast; screenshots should not catch it. */
async function waitForNotificationsGone(page) {
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'running backprop' }).waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => {});
}

/** Closes the results panel's tab, if open, with its close button. */
async function closeResultsPanel(page) {
  const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Gradscope:' });
  while (await tab.count()) {
    await tab.first().hover();
    await tab.first().locator('.tab-actions .action-label').click();
    await tab.first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
  }
}

/** Activates an editor tab by its file name. */
async function focusEditor(page, fileName) {
  const tab = page.locator(`.tabs-container .tab[data-resource-name="${fileName}"]`).first();
  if (await tab.count()) {
    await tab.click();
    await page.locator('.monaco-editor.focused, .editor-group-container.active .monaco-editor').first().waitFor({ timeout: 10_000 });
  } else {
    await openFile(page, fileName);
  }
}

/** The visible text of each Mermaid node (its <title> tooltip left out). */
async function graphNodeLabels(panel) {
  return panel.locator('.graph-canvas svg g.node').evaluateAll((nodes) =>
    nodes.map((n) => {
      const copy = n.cloneNode(true);
      copy.querySelectorAll('title').forEach((t) => t.remove());
      return { aria: n.getAttribute('aria-label'), text: (copy.textContent ?? '').replace(/\s+/g, ' ').trim() };
    }),
  );
}

/** The bounding box (page coordinates) of the first occurrence of `token` in the visible editor's text. */
async function editorTokenBox(page, token, { line } = {}) {
  const box = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate(
    (viewLines, { token, line }) => {
      const lines = [...viewLines.querySelectorAll('.view-line')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      for (const [i, l] of lines.entries()) {
        if (line !== undefined && i !== line - 1) continue;
        const walker = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent.replace(/\u00a0/g, ' ');
          const re = new RegExp(`(^|[^\\w])${token}(?![\\w])`);
          const m = re.exec(text);
          if (!m) continue;
          const range = document.createRange();
          range.setStart(n, m.index + m[1].length);
          range.setEnd(n, m.index + m[1].length + token.length);
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
      }
      return null;
    },
    { token, line },
  );
  assert(box, `token ${token} not found in the editor`);
  return box;
}

/** Moves the mouse onto a box, like a person pointing at it (after leaving it, so a hover starts afresh). */
async function hoverBox(page, box) {
  await page.mouse.move(5, 5);
  await page.locator('.monaco-hover:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  await page.mouse.move(box.x + box.width / 2 - 3, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
}

const selectionStatus = (page) => page.locator('#status\\.editor\\.selection');

/** Relative luminance contrast of two CSS colours `rgb(a)(r, g, b[, a])`. */
function contrast(fg, bg) {
  // `rgb(r, g, b)` (0-255) or `color(srgb r g b)` (0-1), as getComputedStyle gives them.
  const parse = (c) => {
    const srgb = /^color\(srgb\s+([\d.e-]+)\s+([\d.e-]+)\s+([\d.e-]+)/.exec(c);
    if (srgb) return srgb.slice(1, 4).map((v) => Number(v) * 255);
    return (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  };
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [a, b] = [lum(parse(fg)), lum(parse(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Switches the colour theme with Preferences: Color Theme, as a person would. */
async function switchTheme(page, label, themeClass) {
  // The picker lists the themes registered when it opens: right after start-up the built-in theme
  // extensions may not be, so look again if the theme is missing.
  for (let attempt = 1; ; attempt++) {
    await runExactCommand(page, 'Preferences: Color Theme');
    // The palette's input becomes the theme picker's: wait for it, or the filter goes to the palette.
    const input = page.locator('.quick-input-widget .quick-input-box input[placeholder^="Select Color Theme"]');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(label);
    try {
      await pickExactRow(page, label, 5000);
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw err;
    }
  }
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ timeout: 15_000 });
}

// ---------------------------------------------------------------------------
// The workspace: a copy of examples/ plus a long-training variant and a file to break.

/**
 * Steps for long.grad: about 10 s of this machine's CLI training. The side view's worker trains
 * about as fast but the view shows its progress late (see the report), so Pause, pressed ~3 s into
 * what the view shows, must still land well before the end.
 */
function calibrateLongSteps(workspace) {
  const probe = path.join(workspace, '.calibrate.grad');
  const probeSteps = 400_000;
  fs.writeFileSync(probe, trainingVariant(workspace, probeSteps));
  const time = (...args) => {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'gradscope.js'), 'run', probe, ...args], { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const startup = time('--no-train');
  const rate = probeSteps / Math.max(0.05, time() - startup);
  fs.rmSync(probe);
  const steps = Math.min(5_000_000, Math.max(1_500_000, Math.round((rate * 10) / 100_000) * 100_000));
  return { steps, rate };
}
function trainingVariant(workspace, steps) {
  const source = fs.readFileSync(path.join(workspace, 'training.grad'), 'utf8');
  // lr · steps = 10 as in training.grad (0.01 · 1000): the loss falls across the whole run, a straight line on the log chart.
  const lr = Number((10 / steps).toPrecision(2));
  const out = source.replace(/^train .*$/m, `train sgd(lr=${lr}) steps ${steps} log every ${steps / 10}`);
  assert(out !== source, 'training.grad has no train line to replace');
  return out.replace(/^# examples\/training\.grad:.*$/m, '# long.grad: training.grad with a long training run');
}

function ensureBuilt() {
  const needed = ['dist/extension.js', 'dist/analysisWorker.js', 'dist/trainingWorker.js', 'dist/cli.js', 'dist/webview/results.js', 'dist/webview/training.js'];
  if (needed.every((f) => fs.existsSync(path.join(PROJECT_ROOT, f)))) return;
  log('dist/ is incomplete: building (node scripts/build.mjs)');
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'build.mjs')], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

// ---------------------------------------------------------------------------
// Scenarios. Each gets the shared page; they run in this order and keep the workbench tidy.

const scenarios = [];
const scenario = (id, title, fn) => scenarios.push({ id, title, fn });

scenario('results', '1. Run Backprop: graph, gradient check, training summary, Jacobians', async ({ page }) => {
  await openFile(page, 'training.grad');
  const panel = await runBackprop(page, 'training.grad');

  const labels = await graphNodeLabels(panel);
  for (const name of ['W1', 'b1', 'a1', 'y_hat', 'L']) {
    const re = new RegExp(`^${name}(?![\\w])`);
    assert(
      labels.some((l) => l.aria === name && re.test(l.text)),
      `graph has no node labelled ${name}: ${JSON.stringify(labels.map((l) => l.text))}`,
    );
  }

  const rows = panel.locator('.gradcheck-table > tbody > tr.check');
  assertEqual(await rows.count(), 7, 'gradient-check rows');
  const verdicts = await rows.locator('td:last-child').allInnerTexts();
  assert(verdicts.every((v) => v.includes('passed')), `not all gradient checks passed: ${verdicts}`);
  assertEqual(await rows.and(panel.locator('.passed')).count(), 7, 'rows marked passed');
  const names = await rows.locator('td.name .link').allInnerTexts();
  assert(names.includes('W1'), `no W1 row in the gradient check: ${names}`);

  const training = panel.locator('details.section-training');
  await training.locator('.uplot canvas').first().waitFor();
  assert((await training.locator('.chart-grid.two .uplot').count()) === 2, 'the two loss charts are missing');
  const summary = Object.fromEntries(
    await training.locator('.summary-table tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent.trim(), tr.querySelector('td')?.textContent.trim()])),
  );
  assert(['1.32306', '1.323064'].includes(summary['Initial loss']), `Initial loss: ${summary['Initial loss']}`);
  assertEqual(summary['Loss reduction'], '100.00%', 'Loss reduction');
  await shot(page, 'results-training');

  // Jacobians of the recap's second exercise.
  await openFile(page, 'jacobians.grad');
  const jac = await runBackprop(page, 'jacobians.grad');
  const cards = jac.locator('.section-jacobians .card');
  await cards.nth(2).waitFor();
  assertEqual(await cards.count(), 3, 'Jacobian cards');
  const expected = [
    { title: '∂(h1, h2, h3) / ∂(x1, x2)', rows: [[2, 1], [1, 3], [-1, 1]] },
    { title: '∂(y1, y2) / ∂(h1, h2, h3)', rows: [[1, 2, -1], [3, -1, 1]] },
    { title: '∂(y1, y2) / ∂(x1, x2)', rows: [[5, 6], [4, 1]] },
  ];
  for (const [i, want] of expected.entries()) {
    const card = cards.nth(i);
    assertEqual((await card.locator('.card-title').innerText()).trim(), want.title, `Jacobian ${i + 1} title`);
    const read = (which) => card.locator('figure.matrix').nth(which).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    const analytic = await read(0);
    const numeric = await read(1);
    assertEqual(analytic.map((r) => r.map(num)), want.rows, `${want.title} analytic cells`);
    for (const [r, row] of want.rows.entries()) for (const [c, v] of row.entries()) assert(Math.abs(num(numeric[r][c]) - v) < 1e-6, `${want.title} numerical [${r}][${c}] = ${numeric[r][c]}`);
    const diff = (await card.locator('.difference').innerText()).match(/max difference\s+(\S+)/)?.[1];
    assert(diff !== undefined && num(diff) < 1e-6, `${want.title}: max difference ${diff}`);
  }
  await jac.locator('.section-jacobians').scrollIntoViewIfNeeded();
  await shot(page, 'results-jacobians');
});

scenario('click', '2. Clicking a graph node selects its source', async ({ page }) => {
  await focusEditor(page, 'training.grad');
  const panel = await runBackprop(page, 'training.grad');
  await expectSelection(page, /^Ln \d+, Col \d+$/); // nothing selected yet
  const w1 = panel.locator('.graph-canvas svg g.node.clickable[aria-label="W1"]');
  await w1.scrollIntoViewIfNeeded();
  await w1.click();
  // `param W1 = …` is line 6; the name is columns 7-8, so the cursor ends at column 9.
  await expectSelection(page, /^Ln 6, Col 9 \(2 selected\)$/);
  const active = page.locator('.editor-group-container.active .tab.active');
  assertEqual(await active.getAttribute('data-resource-name'), 'training.grad', 'active editor after the click');
  await page.locator('.editor-group-container.active .monaco-editor .selected-text').first().waitFor();
  await shot(page, 'click-node');

  // The gradient-check row's name does the same for b1 (line 7).
  await panel.locator('.gradcheck-table td.name .link', { hasText: /^b1$/ }).click();
  await expectSelection(page, /^Ln 7, Col 9 \(2 selected\)$/);
});

async function expectSelection(page, re) {
  const status = selectionStatus(page);
  await status.filter({ hasText: re }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new AssertionError(`status bar selection: expected ${re}, got ${JSON.stringify(await status.innerText().catch(() => '?'))}`);
  });
}

scenario('hover', '3. Hovering W1 shows its value and gradient', async ({ page }) => {
  await closeResultsPanel(page); // the editor alone, so the hover card has room
  await focusEditor(page, 'training.grad');
  const token = await editorTokenBox(page, 'W1', { line: 6 });
  await hoverBox(page, token);
  const hover = page.locator('.monaco-hover:visible').filter({ hasText: '0.248357' }).filter({ hasText: '-0.239981' }).first();
  await hover.waitFor({ timeout: 15_000 }).catch(async () => {
    const text = await page.locator('.monaco-hover').allInnerTexts().catch(() => []);
    throw new AssertionError(`hover with W1's value and gradient did not appear; hovers: ${JSON.stringify(text)}`);
  });
  const text = await hover.innerText();
  assert(/W1/.test(text) && /gradient check/.test(text), `hover text: ${text.slice(0, 300)}`);
  await shot(page, 'hover');

  // A tight README image: the code (lines 1-20) and the hover card.
  const h = await hover.boundingBox();
  const editor = await page.locator('.editor-group-container.active .monaco-editor').first().boundingBox();
  const lastLine = await editorTokenBox(page, 'train');
  const x0 = Math.max(0, editor.x);
  const y0 = Math.max(0, Math.min(h.y, editor.y));
  const x1 = Math.min(editor.x + editor.width, Math.max(h.x + h.width, lastLine.x + 560) + 24);
  const y1 = Math.min(editor.y + editor.height, Math.max(h.y + h.height, lastLine.y + lastLine.height) + 36);
  saveDocImage('hover.png', await page.screenshot({ clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, animations: 'disabled' }));
  await page.mouse.move(5, 5);
});

scenario('readme', '7. README screenshot of the results panel beside the code', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  const sidebar = page.locator('.monaco-workbench .part.sidebar');
  try {
    // Code and panel side by side, without the Explorer.
    if (await sidebar.isVisible()) {
      await runExactCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await sidebar.waitFor({ state: 'hidden' });
    }
    await focusEditor(page, 'training.grad');
    const panel = await runBackprop(page, 'training.grad');
    await panel.locator('.section-training .uplot canvas').first().waitFor();
    await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(5, 5);
    await shot(page, 'results-readme-top');
    // Scrolled so the lower graph (with the loss), its legend and the gradient-check table show.
    await panel.locator('.section-gradcheck').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot(page, 'results-readme');
    saveDocImage('results-panel.png', await page.screenshot({ animations: 'disabled' }));
    // The whole panel document, top to bottom (graph, Jacobians, checks, training), for reference.
    const height = await panel.locator('body').evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1600, height: Math.min(4000, height + 140) });
    await panel.locator('.section-gradcheck').waitFor();
    await resultsIframe(page).screenshot({ path: path.join(SCREENSHOT_DIR, 'e2e-results-panel-full.png'), animations: 'disabled' });
    saved.push(path.relative(PROJECT_ROOT, path.join(SCREENSHOT_DIR, 'e2e-results-panel-full.png')));
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
    if (!(await sidebar.isVisible())) await runExactCommand(page, 'View: Toggle Primary Side Bar Visibility');
  }
});

scenario('reload', '5. Developer: Reload Window restores the results panel', async ({ page, workbench }) => {
  await focusEditor(page, 'training.grad');
  await runBackprop(page, 'training.grad');
  await page.evaluate(() => (window.__gradscopeE2eBeforeReload = true));
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
  await runExactCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.waitForFunction(() => !window.__gradscopeE2eBeforeReload, null, { timeout: 30_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  const tab = resultsTab(page, 'training.grad');
  await tab.waitFor({ timeout: 30_000 });
  if (!(await tab.evaluate((t) => t.classList.contains('active')))) await tab.click();
  const panel = resultsFrame(page);
  await panel.locator('header.header h1', { hasText: 'training.grad' }).waitFor({ timeout: 30_000 });
  await panel.locator('.graph-canvas:not(.loading) svg g.node').first().waitFor({ timeout: 30_000 });
  assert((await panel.locator('.graph-canvas svg g.node').count()) >= 10, 'the restored graph has too few nodes');
  assertEqual(await panel.locator('.gradcheck-table > tbody > tr.check').count(), 7, 'gradient-check rows after reload');
  await workbench.afterReload();
  await shot(page, 'reload-restored');
});

scenario('training', '4. Training side view: Train, stream, Pause, Resume, done', async ({ page, longSteps }) => {
  // The side view beside the editor, without the results panel.
  await closeResultsPanel(page);
  await openFile(page, 'long.grad');
  const icon = page.locator('.activitybar a.action-label[aria-label="Gradscope"]');
  if (!(await icon.evaluate((a) => a.closest('.action-item')?.classList.contains('checked')))) await icon.click();
  const view = trainingFrame(page);
  await view.locator('h1.file', { hasText: 'long.grad' }).waitFor({ timeout: 30_000 });
  const trainButton = view.locator('button[data-action="train"]');
  await view.locator('button[data-action="train"]:enabled').waitFor({ timeout: 30_000 });
  const total = longSteps;
  const stepOf = async () => {
    const text = await view.locator('.stats dd').first().innerText();
    const m = text.match(/^([\d,]+)\s*\/\s*([\d,]+)$/);
    assert(m, `step text: ${text}`);
    assertEqual(num(m[2]), total, 'total steps shown');
    return num(m[1]);
  };
  assertEqual(await stepOf(), 0, 'step before training');
  await trainButton.click();
  await view.locator('body[data-status="running"]').waitFor({ timeout: 10_000 });

  // The curve streams: three looks about a second apart.
  const steps = [];
  let best = null;
  for (let i = 0; i < 3; i++) {
    if (i > 0) await page.waitForTimeout(1000); // deliberately spaced samples of a live run
    await view.locator('.chart .uplot canvas').first().waitFor();
    const step = await stepOf();
    const status = await view.locator('body').getAttribute('data-status');
    assertEqual(status, 'running', `status at sample ${i + 1} (step ${step})`);
    assertEqual((await view.locator('.badge').innerText()).trim(), 'Training…', 'badge while running');
    await shot(page, `training-running-${i + 1}`);
    if (i === 1) {
      const chart = await view.locator('.chart-wrap').boundingBox();
      const code = await editorTokenBox(page, 'train');
      const clip = { x: 0, y: 0, width: Math.min(page.viewportSize().width, code.x + 640), height: Math.min(page.viewportSize().height, Math.max(chart.y + chart.height, code.y) + 40) };
      best = await page.screenshot({ clip, animations: 'disabled' });
    }
    steps.push(step);
  }
  assert(steps[0] > 0 && steps[1] > steps[0] && steps[2] > steps[1], `the step did not increase while running: ${steps}`);
  await page.locator('.statusbar', { hasText: /Training \d+\/\d+/ }).waitFor({ timeout: 5000 });
  // README: the side view and the code beside it, mid-run (the second look).
  saveDocImage('training-view.png', best);

  // Pause: the status says so and the step stops.
  const pauseButton = view.locator('button[data-action="pause"]');
  const pressed = Date.now();
  await pauseButton.click();
  // The paused state carries the whole loss history to the view, so it takes longer on long runs.
  await view.locator('body[data-status="paused"], body[data-status="done"]').waitFor({ timeout: 60_000 });
  assertEqual(await view.locator('body').getAttribute('data-status'), 'paused', 'status after Pause');
  log(`  paused ${((Date.now() - pressed) / 1000).toFixed(1)} s after pressing Pause`);
  assertEqual((await view.locator('.badge').innerText()).trim(), 'Paused', 'badge when paused');
  await view.locator('button[data-action="resume"]', { hasText: 'Resume' }).waitFor();
  const pausedAt = await stepOf();
  assert(pausedAt >= steps[2] && pausedAt < total, `paused at ${pausedAt}`);
  await page.waitForTimeout(1000); // a paused run must not move for a while
  assertEqual(await stepOf(), pausedAt, 'step after a second of pause');
  await page.locator('.statusbar', { hasText: `Paused ${pausedAt}/${total}` }).waitFor({ timeout: 5000 });
  await shot(page, 'training-paused');

  // Resume, then run to the end.
  const resumed = Date.now();
  await view.locator('button[data-action="resume"]').click();
  await view.locator('body[data-status="running"], body[data-status="done"]').waitFor({ timeout: 60_000 });
  await view.locator(`body[data-status="done"]`).waitFor({ timeout: 180_000 });
  log(`  done ${((Date.now() - resumed) / 1000).toFixed(1)} s after pressing Resume`);
  assertEqual(await stepOf(), total, 'step when done');
  assertEqual((await view.locator('.badge').innerText()).trim(), 'Done', 'badge when done');
  await page.locator('.statusbar', { hasText: `Trained ${total} steps` }).waitFor({ timeout: 10_000 });
  await view.locator('button[data-action="reset"]:enabled').waitFor();
  await shot(page, 'training-done');
});

scenario('broken', '6. A typo shows a squiggle, a Problems count and "Did you mean"', async ({ page }) => {
  await openFile(page, 'broken.grad');
  const problems = page.locator('#status\\.problems');
  await problems.filter({ hasText: /^\s*0\s+0\s*$/ }).waitFor({ timeout: 10_000 });
  // Line 13 is `a1 = tanh(W1 @ x + b1)`: select `tanh` with the keyboard and type over it.
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').waitFor();
  await page.keyboard.type('13');
  await page.keyboard.press('Enter');
  await expectSelection(page, /^Ln 13, Col 1$/);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
  await expectSelection(page, /^Ln 13, Col 10 \(4 selected\)$/);
  await page.keyboard.type('tahn', { delay: 30 });
  const squiggle = page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first();
  await squiggle.waitFor({ timeout: 15_000 });
  // Typing opens the suggestions (it offers `tanh`): close them, as a person reading the error would.
  const suggest = page.locator('.editor-group-container.active .suggest-widget.visible');
  if (await suggest.count()) {
    await page.keyboard.press('Escape');
    await suggest.waitFor({ state: 'hidden', timeout: 5000 });
  }
  // The Problems count in the status bar: errors, then warnings.
  await problems.filter({ hasText: /^\s*[1-9]\d*\s+0\s*$/ }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new AssertionError(`Problems count: ${JSON.stringify(await problems.innerText())}`);
  });
  await hoverBox(page, await editorTokenBox(page, 'tahn', { line: 13 }));
  const hover = page.locator('.monaco-hover:visible').filter({ hasText: "Did you mean 'tanh'?" }).first();
  await hover.waitFor({ timeout: 15_000 }).catch(async () => {
    throw new AssertionError(`no "Did you mean 'tanh'?" hover; hovers: ${JSON.stringify(await page.locator('.monaco-hover').allInnerTexts().catch(() => []))}`);
  });
  assert(/Unknown function 'tahn'/.test(await hover.innerText()), 'hover names the unknown function');
  // The side view (open since the training scenario, if it ran) follows the broken file.
  if (await page.locator('iframe.webview.ready[src*="purpose=webviewView"]:visible').count()) {
    const view = trainingFrame(page);
    await view.locator('h1.file', { hasText: 'broken.grad' }).waitFor({ timeout: 10_000 });
    await view.locator('body[data-status="not-trainable"]').waitFor({ timeout: 10_000 });
    for (const action of ['train', 'pause', 'step', 'reset']) assert(await view.locator(`button[data-action="${action}"]`).isDisabled(), `${action} is enabled for a file with errors`);
  }
  await shot(page, 'broken-hover');
  await page.mouse.move(5, 5);
});

scenario('light', 'Light theme: the results panel stays readable in Light Modern', async ({ page }) => {
  await focusEditor(page, 'training.grad');
  await runBackprop(page, 'training.grad');
  await switchTheme(page, 'Light Modern', 'vscode-theme-defaults-themes-light_modern-json');
  const panel = resultsFrame(page);
  await panel.locator('body.vscode-light').waitFor({ timeout: 15_000 });
  await panel.locator('.graph-canvas:not(.loading) svg g.node').first().waitFor({ timeout: 30_000 });
  // Text versus what is behind it: the header, facts, section titles, table cells, graph labels.
  const pairs = await panel.locator('body').evaluate(() => {
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && !/rgba\(\d+, \d+, \d+, 0\)|transparent/.test(c)) return c;
      }
      return getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim() || 'rgb(255, 255, 255)';
    };
    const pick = (sel) => [...document.querySelectorAll(sel)].slice(0, 3).map((el) => ({ sel, text: el.textContent.trim().slice(0, 30), color: getComputedStyle(el).color, bg: background(el) }));
    const svgText = [...document.querySelectorAll('.graph-canvas svg g.node')].slice(0, 4).map((g) => {
      const text = g.querySelector('text, tspan');
      const shape = g.querySelector('rect, polygon, path, circle');
      return { sel: 'graph node', text: g.getAttribute('aria-label'), color: text ? getComputedStyle(text).fill : '', bg: shape ? getComputedStyle(shape).fill : '' };
    });
    return [...pick('header.header h1'), ...pick('.header-facts .fact'), ...pick('details.section > summary h2'), ...pick('.gradcheck-table td'), ...pick('.summary-table th'), ...svgText];
  });
  assert(pairs.length >= 10, `too few text elements found: ${pairs.length}`);
  const bad = pairs.filter((p) => !p.color || !p.bg || contrast(p.color, p.bg) < 3);
  assert(bad.length === 0, `hard-to-read text in the light theme: ${JSON.stringify(bad)}`);
  await page.mouse.move(5, 5);
  await shot(page, 'results-light');
});

// ---------------------------------------------------------------------------

async function main() {
  ensureBuilt();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-e2e-ws-'));
  fs.cpSync(path.join(PROJECT_ROOT, 'examples'), workspace, { recursive: true });
  const { steps: longSteps, rate } = calibrateLongSteps(workspace);
  fs.writeFileSync(path.join(workspace, 'long.grad'), trainingVariant(workspace, longSteps));
  fs.copyFileSync(path.join(workspace, 'training.grad'), path.join(workspace, 'broken.grad'));
  log(`workspace ${workspace}; long.grad trains ${longSteps.toLocaleString('en-US')} steps (CLI ${Math.round(rate).toLocaleString('en-US')} steps/s)`);
  for (const f of fs.existsSync(SCREENSHOT_DIR) ? fs.readdirSync(SCREENSHOT_DIR) : []) if (f.startsWith('e2e-')) fs.rmSync(path.join(SCREENSHOT_DIR, f));

  let server;
  let browser;
  const results = [];
  try {
    server = await startCodeServer({ workspace, verbose: cli.verbose });
    browser = await launchBrowser();
    const page = await newWorkbenchPage(browser, { viewport: { width: 1400, height: 900 } });
    if (cli.verbose) page.on('console', (m) => console.error(`[workbench ${m.type()}] ${m.text()}`));
    await openWorkbench(page, { url: server.url, workspace, extensionDevelopmentPath: PROJECT_ROOT });
    // The extension's activity-bar icon: extensions (ours and the built-in themes) are registered.
    await page.locator('.activitybar a.action-label[aria-label="Gradscope"]').waitFor({ timeout: 60_000 });
    log(`workbench ready at ${server.url}`);
    // Start from a dark theme (the README look); the light check switches later.
    const darkClass = 'vscode-theme-defaults-themes-dark_modern-json';
    await switchTheme(page, 'Dark Modern', darkClass);
    const workbench = {
      // A reloaded window may come back in its built-in default theme.
      afterReload: async () => {
        if (await page.locator(`.monaco-workbench.${darkClass}`).count()) return;
        log('  the reloaded window came back in another theme: switching to Dark Modern again');
        await switchTheme(page, 'Dark Modern', darkClass);
      },
    };
    for (const s of scenarios) {
      if (only && !only.has(s.id)) continue;
      const t = Date.now();
      try {
        await page.keyboard.press('Escape').catch(() => {});
        await s.fn({ page, workspace, longSteps, workbench });
        results.push({ ...s, ok: true, ms: Date.now() - t });
        log(`PASS ${s.title} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      } catch (err) {
        results.push({ ...s, ok: false, ms: Date.now() - t, err });
        log(`FAIL ${s.title} (${((Date.now() - t) / 1000).toFixed(1)} s)\n    ${String(err?.stack ?? err).split('\n').slice(0, 8).join('\n    ')}`);
        await shot(page, `FAILED-${s.id}`).catch(() => {});
        await page.keyboard.press('Escape').catch(() => {});
        await page.mouse.move(5, 5).catch(() => {});
      }
    }
  } catch (err) {
    results.push({ id: 'setup', title: 'setup', ok: false, err });
    if (browser) for (const c of browser.contexts()) for (const p of c.pages()) await shot(p, 'FAILED-setup').catch(() => {});
    log(`FAIL setup: ${err?.stack ?? err}`);
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  console.log(`\nScreenshots:\n  ${saved.join('\n  ')}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`done`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
