import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder webviews may load from: the bundles and nothing else. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Options for every Gradscope webview: scripts on, resources only from the bundle folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
}

/**
 * The page of a webview, with a strict Content-Security-Policy: nothing by default, scripts only
 * with this load's nonce, no eval, no remote content. Styles allow 'unsafe-inline' because Mermaid
 * writes a <style> element into each SVG it renders and uPlot sizes its canvases through inline
 * style attributes; neither can carry a nonce.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: 'results' | 'training', title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('uPlot.min.css')}">
<link rel="stylesheet" href="${asset(`${view}.css`)}">
<title>${title}</title>
</head>
<body data-view="${view}">
<div id="app"></div>
<script nonce="${nonce}" src="${asset(`${view}.js`)}"></script>
</body>
</html>`;
}
