import * as vscode from 'vscode';
import type { RunReport } from '../program/report';
import type { RenderedMessage } from '../shared/protocol';
import { AnalysisService, CancelledError, type DocumentAnalysis } from './analysisService';
import { GradCodeLensProvider } from './codeLenses';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { GradHoverProvider } from './hoverProvider';
import { GradCompletionProvider, GradDefinitionProvider, GradSymbolProvider } from './languageFeatures';
import { ResultsPanel } from './resultsPanel';
import { readSettings } from './settings';
import { TrainingSession } from './trainingSession';
import { TrainingStatusBar } from './trainingStatusBar';
import { TrainingViewProvider } from './trainingView';

const LANGUAGE = 'gradscope';
const EXAMPLES = [
  { file: 'training.grad', label: 'Training: a 3-layer tanh network trained by gradient descent' },
  { file: 'jacobians.grad', label: 'Jacobians: a 2-layer linear network' },
  { file: 'xor.grad', label: 'XOR: a batch of four examples, broadcasting and binary cross-entropy' },
];

/** What `activate` returns: a small API for tests and other extensions. */
export interface GradscopeApi {
  /** The newest analysis of a document, if any. */
  latestAnalysis(uri: vscode.Uri): DocumentAnalysis | undefined;
  /** Resolves when the training view's webview has loaded. */
  whenTrainingViewReady(): Promise<void>;
  /** What the results panel last reported rendering (graph node count, collapse, errors). */
  lastRendered(): RenderedMessage | null;
}

export function activate(context: vscode.ExtensionContext): GradscopeApi {
  const log = vscode.window.createOutputChannel('Gradscope', { log: true });
  const analyses = new AnalysisService(context.extensionPath, log);
  const diagnostics = new DiagnosticsPublisher();
  const session = new TrainingSession(context.extensionPath, log);
  const trainingView = new TrainingViewProvider(context.extensionUri, session);
  const statusBar = new TrainingStatusBar(session);
  context.subscriptions.push(log, analyses, diagnostics, session, trainingView, statusBar);

  const isGrad = (d: vscode.TextDocument | undefined): d is vscode.TextDocument => d?.languageId === LANGUAGE;

  /** The document a command acts on: the URI it was given (a CodeLens passes one), or the active `.grad` editor. */
  async function targetDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
    const active = vscode.window.activeTextEditor?.document;
    if (isGrad(active)) return active;
    const visible = vscode.window.visibleTextEditors.find((e) => isGrad(e.document));
    if (visible) return visible.document;
    void vscode.window.showWarningMessage('Gradscope: open a .grad file first (try "Gradscope: Open Example").');
    return undefined;
  }

  // ---- live analysis ----

  const timers = new Map<string, NodeJS.Timeout>();
  function scheduleAnalysis(document: vscode.TextDocument, immediately = false): void {
    const settings = readSettings();
    if (!isGrad(document) || !settings.liveAnalysis) return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      void analyses.analyze(document, settings.engine, false).then(
        (a) => {
          if (a.version === document.version) diagnostics.publish(document, a.model.diagnostics);
        },
        (e) => e instanceof CancelledError || log.error(`Live analysis failed: ${e}`),
      );
      const panel = ResultsPanel.current;
      if (panel?.documentUri?.toString() === key) void refreshPanel(document, panel);
    }, immediately ? 0 : settings.debounceMs));
  }
  context.subscriptions.push({ dispose: () => timers.forEach((t) => clearTimeout(t)) });

  async function refreshPanel(document: vscode.TextDocument, panel: ResultsPanel): Promise<void> {
    try {
      const analysis = await analyses.analyze(document, readSettings().engine, true);
      if (ResultsPanel.current === panel && analysis.version === document.version) await panel.show(document, analysis);
    } catch (e) {
      if (!(e instanceof CancelledError)) log.error(`Panel update failed: ${e}`);
    }
  }

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => scheduleAnalysis(d, true)),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && scheduleAnalysis(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (!isGrad(d)) return;
      diagnostics.clear(d.uri);
      analyses.forget(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('gradscope')) return;
      for (const d of vscode.workspace.textDocuments) scheduleAnalysis(d, true);
    }),
  );
  for (const d of vscode.workspace.textDocuments) scheduleAnalysis(d, true);

  // ---- editor features ----

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(LANGUAGE, new GradHoverProvider(analyses)),
    vscode.languages.registerCodeLensProvider(LANGUAGE, new GradCodeLensProvider()),
    vscode.languages.registerDefinitionProvider(LANGUAGE, new GradDefinitionProvider(analyses)),
    vscode.languages.registerDocumentSymbolProvider(LANGUAGE, new GradSymbolProvider(analyses)),
    vscode.languages.registerCompletionItemProvider(LANGUAGE, new GradCompletionProvider(analyses)),
  );

  // ---- results panel ----

  const rerun = (uri: vscode.Uri) => void vscode.commands.executeCommand('gradscope.runBackprop', uri);

  async function runBackprop(arg?: unknown): Promise<RunReport | undefined> {
    const document = await targetDocument(arg);
    if (!document) return undefined;
    const panel = ResultsPanel.showFor(context.extensionUri, document.uri, rerun);
    panel.status(true, 'Running…');
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Gradscope: running backprop', cancellable: true },
      async (_progress, token) => {
        try {
          const analysis = await analyses.analyze(document, readSettings().engine, true, token);
          diagnostics.publish(document, analysis.model.diagnostics);
          await panel.show(document, analysis);
          return analysis.report;
        } catch (e) {
          if (e instanceof CancelledError) {
            panel.status(false, 'Cancelled.');
            return undefined;
          }
          panel.status(false, `Gradscope failed: ${e instanceof Error ? e.message : e}`);
          throw e;
        }
      },
    );
  }

  context.subscriptions.push(
    { dispose: () => ResultsPanel.current?.dispose() },
    vscode.commands.registerCommand('gradscope.runBackprop', runBackprop),
    vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        ResultsPanel.revive(panel, context.extensionUri, state, rerun);
      },
    }),
  );

  // ---- training ----

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(TrainingViewProvider.viewType, trainingView),
    session.onDidSnapshot(({ document, version, snapshot }) => analyses.setTrained(document, version, snapshot)),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (isGrad(editor?.document)) void session.load(editor.document, readSettings().engine);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // An edit makes the loaded network stale; reload it unless training is running.
      if (session.documentUri?.toString() === e.document.uri.toString() && !session.isRunning) void session.load(e.document, readSettings().engine);
    }),
    vscode.commands.registerCommand('gradscope.train', async (arg?: unknown) => {
      const document = await targetDocument(arg);
      if (!document) return undefined;
      // Show the side view, but do not wait for it: training does not depend on the view.
      void vscode.commands.executeCommand('gradscope.training.focus');
      try {
        return await session.trainToEnd(document, readSettings().engine);
      } catch (e) {
        void vscode.window.showErrorMessage(`Gradscope: ${e instanceof Error ? e.message : e}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('gradscope.stopTraining', () => session.act('pause')),
    vscode.commands.registerCommand('gradscope.openExample', async (name?: unknown) => {
      let file = typeof name === 'string' ? EXAMPLES.find((e) => e.file === name || e.file === `${name}.grad`)?.file : undefined;
      if (!file) {
        const pick = await vscode.window.showQuickPick(EXAMPLES.map((e) => ({ label: e.file, description: e.label })), { placeHolder: 'Open a Gradscope example' });
        file = pick?.label;
      }
      if (!file) return undefined;
      // A copy in an untitled editor: editing it never changes the installed extension's files.
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'examples', file));
      const document = await vscode.workspace.openTextDocument({ language: LANGUAGE, content: new TextDecoder().decode(bytes) });
      await vscode.window.showTextDocument(document);
      return document.uri;
    }),
  );
  if (isGrad(vscode.window.activeTextEditor?.document)) void session.load(vscode.window.activeTextEditor.document, readSettings().engine);

  return {
    latestAnalysis: (uri) => analyses.latest(uri),
    lastRendered: () => ResultsPanel.lastRendered,
    whenTrainingViewReady: () =>
      trainingView.isReady
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const sub = trainingView.onDidResolve(() => {
              sub.dispose();
              resolve();
            });
          }),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
