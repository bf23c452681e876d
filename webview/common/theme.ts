// The VS Code theme as the webview sees it: the body class names the kind, CSS variables on the
// root element hold the colours. Canvas drawing (uPlot) needs concrete colours, read at draw time.

/** The four kinds of VS Code theme. */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** The kind of the current theme, from the class VS Code puts on <body>. */
export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

/** The value of a CSS variable (e.g. `--vscode-charts-blue`), or `fallback` when the theme lacks it. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Calls `onChange` when the theme changes (VS Code swaps body classes and root variables in place). */
export function onThemeChange(onChange: () => void): void {
  let timer: number | undefined;
  // Classes and variables change in separate mutations: let them settle, then redraw once.
  const settle = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(onChange, 50);
  };
  const observer = new MutationObserver(settle);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
