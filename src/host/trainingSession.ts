import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { TrainingAction, TrainingState } from '../shared/protocol';
import type { EngineSettings, FromTrainingWorker, ToTrainingWorker, TrainedSnapshot } from './workerProtocol';

const EMPTY: TrainingState = { fileName: null, status: 'no-file', message: 'Open a .grad file to train it.', optimizer: null, totalSteps: 0, step: 0, loss: null, stepsPerSecond: 0, losses: [] };

/** New losses, as the worker batched them. */
export interface TrainingProgress {
  readonly firstStep: number;
  readonly losses: number[];
  readonly step: number;
  readonly stepsPerSecond: number;
}

/**
 * One training session on one document, run by a worker thread. It keeps the full state (so the
 * side view can be redrawn from it at any time) and turns the worker's batches into events.
 */
export class TrainingSession implements vscode.Disposable {
  private worker: Worker | null = null;
  private state: TrainingState = EMPTY;
  private document: vscode.TextDocument | null = null;
  private loadedVersion = -1;
  private loaded: Promise<void> = Promise.resolve();
  private resolveLoaded: (() => void) | null = null;
  private readonly stateEmitter = new vscode.EventEmitter<TrainingState>();
  private readonly progressEmitter = new vscode.EventEmitter<TrainingProgress>();
  private readonly snapshotEmitter = new vscode.EventEmitter<{ document: vscode.TextDocument; version: number; snapshot: TrainedSnapshot }>();
  /** Fires on every change of status (not on progress). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires for each batch of new losses. */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires when training stops (pause, done, reset) with values and gradients at that point. */
  readonly onDidSnapshot = this.snapshotEmitter.event;

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  get current(): TrainingState {
    return this.state;
  }

  get documentUri(): vscode.Uri | null {
    return this.document?.uri ?? null;
  }

  get isRunning(): boolean {
    return this.state.status === 'running';
  }

  /** Loads a document (unless it is already loaded at this version, or training is running). */
  load(document: vscode.TextDocument, settings: EngineSettings, force = false): Promise<void> {
    if (!force && this.isRunning) return this.loaded;
    if (!force && this.document === document && this.loadedVersion === document.version) return this.loaded;
    this.document = document;
    this.loadedVersion = document.version;
    this.loaded = new Promise((resolve) => (this.resolveLoaded = resolve));
    this.setState({ ...EMPTY, fileName: path.basename(document.fileName), status: 'idle', message: 'Loading…' });
    this.send({ type: 'load', source: document.getText(), settings });
    return this.loaded;
  }

  /** Clears the session when no .grad file is active. */
  unload(): void {
    if (this.isRunning) return;
    this.document = null;
    this.loadedVersion = -1;
    this.setState(EMPTY);
  }

  act(action: TrainingAction): void {
    if (!this.document || this.state.status === 'not-trainable' || this.state.status === 'no-file') return;
    switch (action) {
      case 'train':
      case 'resume':
        if (action === 'train' && (this.state.status === 'done' || this.state.status === 'diverged')) this.setState({ ...this.state, losses: [], step: 0, loss: null });
        this.send({ type: 'run' });
        return;
      case 'pause':
        this.send({ type: 'pause' });
        return;
      case 'step':
        this.send({ type: 'step' });
        return;
      case 'reset':
        this.send({ type: 'reset' });
        return;
    }
  }

  /** Trains the document from its initial parameters to the end; resolves with the loss history. */
  async trainToEnd(document: vscode.TextDocument, settings: EngineSettings, token?: vscode.CancellationToken): Promise<{ steps: number; loss: number[] }> {
    await this.load(document, settings, true);
    if (this.state.status === 'not-trainable' || this.state.status === 'error') throw new Error(this.state.message);
    return new Promise((resolve, reject) => {
      // Other loads (an editor switching) may report 'idle' before this run starts: only an end
      // after this run was seen running counts, or an error.
      let started = false;
      const sub = this.onDidChangeState((s) => {
        if (s.status === 'running') started = true;
        const ended = s.status === 'done' || s.status === 'diverged' || s.status === 'paused' || s.status === 'idle';
        if (s.status === 'error' || (started && ended)) {
          sub.dispose();
          if (s.status === 'error') reject(new Error(s.message));
          else resolve({ steps: s.step, loss: [...s.losses] });
        }
      });
      token?.onCancellationRequested(() => this.act('pause'));
      this.act('train');
    });
  }

  private send(message: ToTrainingWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'trainingWorker.js'));
    worker.on('message', (m: FromTrainingWorker) => this.onMessage(m));
    worker.on('error', (e) => {
      this.log.error('Training worker failed', e);
      this.worker = null;
      this.setState({ ...this.state, status: 'error', message: e.message });
      this.resolveLoaded?.();
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromTrainingWorker): void {
    switch (m.type) {
      case 'loaded':
        this.setState({
          ...this.state,
          status: m.optimizer ? 'idle' : 'not-trainable',
          message: m.message,
          optimizer: m.optimizer,
          totalSteps: m.totalSteps,
          step: 0,
          loss: null,
          losses: [],
        });
        this.resolveLoaded?.();
        this.resolveLoaded = null;
        return;
      case 'progress': {
        // The worker numbers losses from 1; a batch starting at 1 begins a fresh run. Append in place:
        // copying the whole history for every batch is quadratic and, a few hundred thousand steps
        // into a run, blocks the extension host for tens of seconds (the view and status bar freeze).
        const losses = m.firstStep === 1 || this.state.losses === EMPTY.losses ? [] : this.state.losses;
        if (losses.length > m.firstStep - 1) losses.length = m.firstStep - 1;
        for (const l of m.losses) losses.push(l);
        this.state = { ...this.state, losses, step: m.step, loss: losses[losses.length - 1] ?? null, stepsPerSecond: m.stepsPerSecond };
        this.progressEmitter.fire(m);
        return;
      }
      case 'status': {
        const losses = m.step === 0 ? [] : this.state.losses.slice(0, m.step);
        this.setState({ ...this.state, status: m.status, message: m.message, step: m.step, losses, loss: losses[losses.length - 1] ?? null });
        if (m.snapshot && this.document) this.snapshotEmitter.fire({ document: this.document, version: this.loadedVersion, snapshot: m.snapshot });
        return;
      }
    }
  }

  private setState(state: TrainingState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.stateEmitter.dispose();
    this.progressEmitter.dispose();
    this.snapshotEmitter.dispose();
  }
}
