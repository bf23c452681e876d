// Previews the two webviews outside VS Code and checks them: builds the bundles (scripts/build.mjs),
// serves a page per view that mimics the host's HTML and CSP (nonce, no eval, nothing remote) with a
// fake `acquireVsCodeApi`, posts sample messages, and screenshots each view in the dark and light
// themes into test-results/preview/*.png. Exits non-zero on a console error, a CSP violation, a
// failed request, a Mermaid failure or a `rendered` message with an error.
//
//   node scripts/preview-webviews.mjs [model.json ...] [--no-build]
//
// Without model files it analyses examples/*.grad (and a broken source) itself.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test-results', 'preview');
const args = process.argv.slice(2);
const modelPaths = args.filter((a) => !a.startsWith('--'));
const problems = [];
const fail = (what) => {
  problems.push(what);
  console.error(`  ✗ ${what}`);
};

// ---- themes: the main variables VS Code defines, with Dark Modern / Light Modern / HC values ----

const common = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  '--vscode-editor-font-size': '14px',
};
const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...common,
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-testing-iconFailed': '#f14c4c',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-textLink-activeForeground': '#4daafc',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-progressBar-background': '#0078d4',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...common,
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-testing-iconPassed': '#388a34',
      '--vscode-testing-iconFailed': '#e51400',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-textLink-activeForeground': '#005fb8',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-progressBar-background': '#005fb8',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...common,
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
      '--vscode-errorForeground': '#f48771',
      '--vscode-focusBorder': '#f38518',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffff00',
      '--vscode-charts-orange': '#ff8c00',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-testing-iconFailed': '#f48771',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-progressBar-background': '#6fc3df',
    },
  },
};

// ---- models ----

/** Analyses the examples (and a broken source) with the project's own code, as the worker does. */
async function generateModels() {
  const entry = `
    import { readFileSync } from 'node:fs';
    import { analyze } from './src/program/analyze';
    import { Trainer } from './src/program/trainer';
    import { summarize, trainRecording } from './src/program/summarize';
    const run = (source) => {
      const a = analyze(source);
      const t = a.program.train && !a.hasErrors ? new Trainer(a.program, a.program.train) : null;
      const r = t ? trainRecording(t) : null;
      return summarize(a, t && r ? { trainer: t, recorder: r } : null, 12);
    };
    const broken = 'input x = [1, 2]\\nparam W = randn(2, 2)\\nh = tanh(W @ x + )\\nloss L = sum(h * q)\\n';
    process.stdout.write(JSON.stringify({
      training: run(readFileSync('examples/training.grad', 'utf8')),
      jacobians: run(readFileSync('examples/jacobians.grad', 'utf8')),
      errors: run(broken),
    }));`;
  const bundle = await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error' });
  const script = path.join(outDir, 'models.cjs');
  writeFileSync(script, bundle.outputFiles[0].text);
  const out = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(script);
  if (out.status !== 0) throw new Error(`analysing the examples failed:\n${out.stderr}`);
  return JSON.parse(out.stdout);
}

// ---- pages ----

const css = (vars) => Object.entries(vars).map(([k, v]) => `${k}: ${v.replaceAll('"', '&quot;')};`).join(' ');

/** The page the host would generate, plus the fake VS Code API (and the theme VS Code injects). */
function page(view, theme, origin, initialState) {
  const nonce = randomBytes(16).toString('base64');
  const t = THEMES[theme];
  const background = view === 'training' ? 'var(--vscode-sideBar-background)' : 'var(--vscode-editor-background)';
  return `<!DOCTYPE html>
<html lang="en" style="${css(t.vars)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${origin} data:; font-src ${origin}; style-src ${origin} ${process.env.PREVIEW_STYLE_SRC ?? "'unsafe-inline'"}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style id="_defaultStyles">html { background: ${background}; } body { background-color: transparent; color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; padding: 0 20px; }</style>
<link rel="stylesheet" href="${origin}/dist/webview/uPlot.min.css">
<link rel="stylesheet" href="${origin}/dist/webview/${view}.css">
<script nonce="${nonce}">
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
  });
  let state = ${JSON.stringify(initialState ?? null)};
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(structuredClone(m)),
      getState: () => state ?? undefined,
      setState: (s) => { state = structuredClone(s); window.__state = state; },
    };
  };
</script>
</head>
<body class="${t.bodyClass}" data-view="${view}"><div id="app"></div><script nonce="${nonce}" src="${origin}/dist/webview/${view}.js"></script></body>
</html>`;
}

function serve() {
  const pages = new Map();
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (pages.has(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(pages.get(url.pathname));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // VS Code's webviews ask for none; Chromium does
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    if (!url.pathname.startsWith('/dist/webview/') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, pages, origin: `http://127.0.0.1:${server.address().port}` })));
}

// ---- driving ----

async function openView(browser, site, view, theme, width, height, initialState = null) {
  const name = `/${view}-${theme}-${randomBytes(4).toString('hex')}.html`;
  site.pages.set(name, page(view, theme, site.origin, initialState));
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const p = await context.newPage();
  const label = `${view}/${theme}`;
  p.on('console', (m) => {
    if (m.type() === 'error') fail(`${label}: console error: ${m.text()}`);
  });
  p.on('pageerror', (e) => fail(`${label}: uncaught ${e.message}`));
  p.on('requestfailed', (r) => fail(`${label}: request failed ${r.url()}`));
  p.on('response', (r) => {
    if (r.status() >= 400) fail(`${label}: HTTP ${r.status()} ${r.url()}`);
  });
  await p.goto(site.origin + name);
  await waitForPost(p, { type: 'ready' }, `${label}: no 'ready' message`);
  return p;
}

/** Waits for a posted message with these fields (matched by value, since the page's CSP forbids eval). */
async function waitForPost(p, fields, what, timeout = 20000) {
  const match = (posted, f) => posted.filter((m) => Object.entries(f).every(([k, v]) => m[k] === v)).pop() ?? null;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const found = match(await p.evaluate(() => window.__posted), fields);
    if (found) return found;
    await p.waitForTimeout(50);
  }
  fail(what);
  return null;
}

const post = (p, msg) => p.evaluate((m) => window.postMessage(m, '*'), msg);

async function shoot(p, file) {
  await p.waitForTimeout(250);
  await p.screenshot({ path: path.join(outDir, file), fullPage: true });
  console.log(`  → test-results/preview/${file}`);
}

async function previewResults(browser, site, name, model, theme, { nodeLimit = 40, width = 1100, expand = true } = {}) {
  console.log(`results: ${name} (${theme})`);
  const p = await openView(browser, site, 'results', theme, width, 900);
  const message = { type: 'showResults', fileName: `/work/examples/${name}.grad`, documentVersion: 3, model, settings: { precision: 6, graphNodeLimit: nodeLimit } };
  await post(p, { type: 'status', busy: true, message: 'Analysing…' });
  await post(p, message);
  const rendered = await waitForPost(p, { type: 'rendered' }, `results/${name}/${theme}: no 'rendered' message`);
  if (rendered && rendered.error !== null) fail(`results/${name}/${theme}: graph error: ${rendered.error}`);
  if (rendered && model.nodes.length > 0 && rendered.nodes === 0) fail(`results/${name}/${theme}: rendered no nodes`);
  if (expand) {
    // Open the first gradient-check row, and click a graph node: it must ask to reveal its source.
    const toggle = p.locator('.gradcheck-table .disclosure').first();
    if (await toggle.count()) await toggle.click();
    const node = p.locator('.graph-canvas g.node').first();
    if (await node.count()) {
      await node.click();
      await waitForPost(p, { type: 'revealRange' }, `results/${name}/${theme}: clicking a node posted no revealRange`, 3000);
    }
  }
  if (process.env.PREVIEW_DUMP_SVG) writeFileSync(path.join(outDir, `results-${name}-${theme}.svg.html`), await p.locator('.graph-canvas').innerHTML());
  await shoot(p, `results-${name}-${theme}${width < 800 ? '-narrow' : ''}.png`);
  if (width >= 800 && theme !== 'hc' && (await p.locator('.section-graph').count())) {
    await p.locator('.section-graph').screenshot({ path: path.join(outDir, `results-${name}-${theme}-graph.png`) });
  }
  if (expand && model.training && theme === 'dark') {
    // The graph at the trained parameters: a second Mermaid render in the same page.
    await p.getByRole('button', { name: 'Trained parameters' }).click();
    await p.waitForFunction(() => !document.querySelector('.graph-canvas.loading'), null, { timeout: 15000 });
    if (await p.locator('.graph-error').count()) fail(`results/${name}/${theme}: the trained graph failed to render`);
    await p.locator('.section-graph').screenshot({ path: path.join(outDir, `results-${name}-${theme}-trained-graph.png`) });
  }
  const state = await p.evaluate(() => window.__state);
  await p.context().close();
  return state;
}

/** A reloaded panel draws from its saved state at once; a theme switch redraws it in place. */
async function previewRestore(browser, site, state) {
  console.log('results: restored from saved state, then switched to the light theme');
  const p = await openView(browser, site, 'results', 'dark', 1100, 700, state);
  await p.waitForSelector('.graph-canvas svg', { timeout: 15000 }).catch(() => fail('results/restore: the restored panel drew no graph'));
  const text = await p.locator('#app').innerText();
  if (!text.includes('training.grad')) fail('results/restore: the restored panel is blank');
  const before = await p.locator('.graph-canvas svg').getAttribute('id');
  await p.evaluate((vars) => {
    document.body.className = 'vscode-light';
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  }, THEMES.light.vars);
  await p.waitForFunction((id) => document.querySelector('.graph-canvas svg')?.id !== id && !document.querySelector('.graph-canvas.loading'), before, { timeout: 15000 }).catch(() => fail('results/restore: a theme switch did not redraw the graph'));
  await shoot(p, 'results-training-theme-switched.png');
  await p.context().close();
}

async function previewTrainingRestore(browser, site, state, theme) {
  console.log(`training: restored from saved state (${theme})`);
  const p = await openView(browser, site, 'training', theme, 300, 640, state);
  if ((await p.locator('.chart .uplot').count()) !== 1) fail('training/restore: the restored view has no loss curve');
  const step = await p.locator('.stats dd').first().innerText();
  if (!step.includes('/')) fail(`training/restore: the restored view shows no step (${step})`);
  await p.context().close();
}

/** A curve of every loss (the host thins long ones; these are short). */
const curveOf = (losses) => ({ steps: losses.map((_, i) => i + 1), losses: [...losses] });

async function previewTraining(browser, site, model, theme) {
  console.log(`training: streaming (${theme})`);
  const p = await openView(browser, site, 'training', theme, 300, 640);
  const settings = { precision: 6, graphNodeLimit: 40 };
  const losses = model.training.loss;
  const total = losses.length;
  const base = { fileName: '/work/examples/training.grad', message: '', optimizer: model.training.optimizer, totalSteps: total, stepsPerSecond: 0 };
  await post(p, { type: 'trainingState', state: { ...base, status: 'idle', step: 0, loss: losses[0], curve: curveOf([]) }, settings });
  await post(p, { type: 'trainingState', state: { ...base, status: 'running', step: 0, loss: losses[0], curve: curveOf([]) }, settings });
  const batches = 20;
  const upTo = Math.floor(total * 0.7);
  const size = Math.ceil(upTo / batches);
  for (let b = 0; b < batches; b++) {
    const first = b * size;
    const chunk = losses.slice(first, Math.min(upTo, first + size));
    if (chunk.length === 0) break;
    const step = first + chunk.length;
    await post(p, { type: 'trainingProgress', curve: curveOf(losses.slice(0, step)), step, loss: losses[step - 1], stepsPerSecond: 5200 + 37 * b });
    await p.waitForTimeout(20);
  }
  const points = await p.evaluate(() => document.querySelectorAll('.chart .uplot').length);
  if (points !== 1) fail(`training/${theme}: expected one chart after streaming, found ${points}`);
  await shoot(p, `training-running-${theme}.png`);
  // Buttons follow the status: pause shows Resume, and actions are posted.
  await post(p, { type: 'trainingState', state: { ...base, status: 'paused', step: upTo, loss: losses[upTo - 1], stepsPerSecond: 5400, curve: curveOf(losses.slice(0, upTo)) }, settings });
  const pause = p.locator('button[data-action="resume"]');
  if ((await pause.count()) !== 1) fail(`training/${theme}: paused view has no Resume button`);
  else {
    await pause.click();
    await waitForPost(p, { type: 'trainingAction', action: 'resume' }, `training/${theme}: Resume posted nothing`, 3000);
  }
  await p.waitForTimeout(1200); // the view saves its state at most once a second while streaming
  const saved = await p.evaluate(() => window.__state);
  if (!saved || saved.state.curve.steps.length !== upTo) fail(`training/${theme}: saved state has ${saved?.state.curve.steps.length} points, expected ${upTo}`);
  else await previewTrainingRestore(browser, site, saved, theme);
  if (theme === 'dark') {
    await post(p, { type: 'trainingState', state: { ...base, status: 'done', step: total, loss: losses[total - 1], stepsPerSecond: 5400, curve: curveOf(losses) }, settings });
    await shoot(p, `training-done-${theme}.png`);
    await post(p, { type: 'trainingState', state: { ...base, status: 'not-trainable', optimizer: null, totalSteps: 0, step: 0, loss: null, curve: curveOf([]), message: 'This file has no train line: add `train sgd(lr=0.01) steps 1000`.' }, settings });
    await shoot(p, `training-not-trainable-${theme}.png`);
  }
  await p.context().close();
}

// ---- main ----

mkdirSync(outDir, { recursive: true });
if (!args.includes('--no-build')) {
  console.log('building (scripts/build.mjs)…');
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
for (const f of ['results.js', 'results.css', 'training.js', 'training.css', 'uPlot.min.css']) {
  const file = path.join(root, 'dist', 'webview', f);
  if (!existsSync(file)) fail(`missing dist/webview/${f}`);
  else console.log(`  dist/webview/${f}: ${(readFileSync(file).length / 1024).toFixed(0)} KiB`);
}

const models = modelPaths.length
  ? Object.fromEntries(modelPaths.map((m) => [path.basename(m, '.json').replace(/^model-/, ''), JSON.parse(readFileSync(m, 'utf8'))]))
  : await generateModels();

const site = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  for (const [name, model] of Object.entries(models)) {
    const themes = name === 'training' ? ['dark', 'light', 'hc'] : ['dark', 'light'];
    let state = null;
    for (const theme of themes) state = (await previewResults(browser, site, name, model, theme)) ?? state;
    if (name === 'training') {
      await previewResults(browser, site, `${name}`, model, 'dark', { width: 560, expand: false });
      await previewResults(browser, site, `${name}-collapsed`, model, 'dark', { nodeLimit: 8, expand: false });
      if (state) await previewRestore(browser, site, state);
      else fail('results: the panel saved no state');
    }
  }
  const trained = Object.values(models).find((m) => m.training);
  if (trained) for (const theme of ['dark', 'light']) await previewTraining(browser, site, trained, theme);
} finally {
  await browser.close();
  site.server.close();
}

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('\nall views rendered without errors');
