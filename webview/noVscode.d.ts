// Webview code runs in the browser and cannot use the extension API: tsconfig maps the `vscode`
// module here, and this file is deliberately not a module, so `import ... from 'vscode'` fails.
