// Drives a code-server workbench with Playwright (playwright-core + Debian's chromium).
//
// Exports:
//   launchBrowser({ headless? }) -> Promise<Browser>
//   newWorkbenchPage(browser, { viewport? }) -> Promise<Page>
//   workbenchUrl({ url, workspace, extensionDevelopmentPath?, extensionTestsPath?, openFile? }) -> string
//   openWorkbench(page, { url, workspace, extensionDevelopmentPath?, extensionTestsPath?, files?, timeout? }) -> Promise<Page>
//   runCommand(page, title, { timeout? }) -> Promise<void>
//   openFile(page, relativePath, { timeout? }) -> Promise<void>
//   webviewFrame(page, title?, { timeout? }) -> Promise<FrameLocator>   (await it)
//   screenshot(page, name) -> Promise<string>      (test-results/screenshots/NAME.png)
//   waitForNotification(page, text, { timeout? }) -> Promise<Locator>

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, PROJECT_ROOT } from './install.mjs';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Debian's Chromium (never downloads a browser). */
export async function launchBrowser({ headless = true } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless, args: CHROMIUM_ARGS });
}

/** A page with a desktop-sized viewport, ready for openWorkbench(). */
export async function newWorkbenchPage(browser, { viewport = { width: 1400, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

/**
 * The workbench URL. Paths in the payload must be vscode-remote URIs whose authority is the
 * server's host:port (VS Code's browser test runner does the same); `folder` takes a plain path.
 */
/**
 * @param {{ url: string, workspace: string, extensionDevelopmentPath?: string, extensionTestsPath?: string, openFile?: string }} options
 */
export function workbenchUrl({ url, workspace, extensionDevelopmentPath, extensionTestsPath, openFile }) {
  const base = new URL(url);
  const remote = (p) => `vscode-remote://${base.host}${encodeURI(toPosix(path.resolve(p)))}`;
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (openFile) payload.push(['openFile', remote(path.resolve(workspace, openFile))]);
  const u = new URL('/', base);
  u.searchParams.set('folder', toPosix(path.resolve(workspace)));
  u.searchParams.set('payload', JSON.stringify(payload));
  return u.toString();
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/**
 * Navigates to the workbench and waits until it is interactive.
 * To receive test results, call page.exposeFunction('codeAutomationExit', ...) BEFORE this.
 * `files` (workspace-relative) are opened afterwards with Quick Open, like a person would.
 */
/**
 * @param {import('playwright-core').Page} page
 * @param {{ url: string, workspace: string, extensionDevelopmentPath?: string, extensionTestsPath?: string, files?: string[], timeout?: number }} options
 */
export async function openWorkbench(page, { url, workspace, extensionDevelopmentPath, extensionTestsPath, files = [], timeout = 60_000 }) {
  await page.goto(workbenchUrl({ url, workspace, extensionDevelopmentPath, extensionTestsPath }), { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  // The status bar and the activity bar appear once the layout is restored.
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .part.sidebar').first().waitFor({ state: 'visible', timeout });
  for (const f of files) await openFile(page, f, { timeout });
  return page;
}

const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputBox = (page) => page.locator('.quick-input-widget .quick-input-box input');

async function openQuickInput(page, key, timeout) {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) {
      // Focus may be inside an iframe (webview) that swallows keys: focus the workbench first.
      await page.keyboard.press('Escape').catch(() => {});
      await page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => {});
    }
    await page.keyboard.press(key);
    try {
      await quickInputBox(page).waitFor({ state: 'visible', timeout: Math.min(5000, timeout) });
      return;
    } catch {}
  }
  throw new Error(`quick input did not open with ${key}`);
}

async function pickQuickInputItem(page, value, matches, timeout) {
  const box = quickInputBox(page);
  await box.fill(value);
  // Wait until the focused row is the one we asked for, so Enter doesn't pick a stale result.
  const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
  await focused.filter({ hasText: matches }).first().waitFor({ state: 'visible', timeout });
  await page.keyboard.press('Enter');
}

/** Runs a command by its palette title, like a person: F1, `>Title`, Enter. */
export async function runCommand(page, title, { timeout = 15_000 } = {}) {
  await openQuickInput(page, 'F1', timeout);
  try {
    await pickQuickInputItem(page, `>${title}`, title, timeout);
  } catch (err) {
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
    await page.keyboard.press('Escape').catch(() => {});
    throw new Error(`command "${title}" not found in the palette (rows: ${JSON.stringify(rows.slice(0, 5))}): ${err.message}`);
  }
  // Commands that open their own quick pick keep the widget open; otherwise it closes.
  await page.waitForTimeout(100);
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page, relativePath, { timeout = 15_000 } = {}) {
  const rel = toPosix(relativePath);
  const base = path.posix.basename(rel);
  await openQuickInput(page, 'Control+P', timeout);
  await pickQuickInputItem(page, rel, base, timeout);
  await page.locator(`.tabs-container .tab[data-resource-name="${base}"], .tabs-container .tab[aria-label^="${base}"]`).first().waitFor({ state: 'visible', timeout });
  await quickInput(page).waitFor({ state: 'hidden', timeout }).catch(() => {});
}

/**
 * The HTML document of a webview panel: two iframes deep (outer `iframe.webview.ready`, inner
 * `iframe#active-frame`). With `title`, first activates the editor tab with that title so its
 * webview is the visible one.
 */
export async function webviewFrame(page, title, { timeout = 15_000 } = {}) {
  if (title) {
    // Editor tabs carry the panel title as aria-label; fall back to a substring match.
    const exact = page.locator(`.tabs-container .tab[aria-label=${JSON.stringify(title)}]`);
    const tab = exact.or(page.locator('.tabs-container .tab').filter({ hasText: title })).first();
    await tab.waitFor({ state: 'visible', timeout });
    await tab.click();
  }
  const outer = page.locator('iframe.webview.ready:visible');
  await outer.first().waitFor({ state: 'attached', timeout });
  const frame = page.frameLocator('iframe.webview.ready:visible').first().frameLocator('iframe#active-frame');
  await frame.locator('body').waitFor({ state: 'attached', timeout });
  return frame;
}

/** Saves a PNG to test-results/screenshots/NAME.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  // animations: 'disabled' finishes CSS transitions, so a toast that is sliding in is shown.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

/** Waits for a notification toast containing `text` (string or RegExp); returns its locator. */
export async function waitForNotification(page, text, { timeout = 15_000 } = {}) {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}
