import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { LossCurveBuilder, type LossCurve } from '../shared/lossCurve';
import type { TrainingAction, TrainingState } from '../shared/protocol';
import type { EngineSettings, FromTrainingWorker, ToTrainingWorker, TrainedSnapshot } from './workerProtocol';

const EMPTY: TrainingState = { fileName: null, status: 'no-file', message: 'Open a .grad file to train it.', optimizer: null, totalSteps: 0, step: 0, loss: null, stepsPerSecond: 0, curve: { steps: [], losses: [] } };

/** Progress of a run: the thinned curve so far, the step, the newest loss and the speed. */
export interface TrainingProgress {
  readonly curve: LossCurve;
  readonly step: number;
  readonly loss: number | null;
  readonly stepsPerSecond: number;
}

/**
 * One training session on one document, run by a worker thread. It keeps the full state (so the
 * side view can be redrawn from it at any time) and turns the worker's batches into events.
 */
export class TrainingSession implements vscode.Disposable {
  private worker: Worker | null = null;
  private state: TrainingState = EMPTY;
  /** Every loss of the current run (for the train command's result); the view gets only the curve. */
  private losses: number[] = [];
  private curveBuilder = new LossCurveBuilder();
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
        if (action === 'train' && (this.state.status === 'done' || this.state.status === 'diverged')) this.setState({ ...this.state, ...this.restart(), step: 0, loss: null });
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
          else resolve({ steps: s.step, loss: this.losses.slice(0, s.step) });
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
          ...this.restart(),
        });
        this.resolveLoaded?.();
        this.resolveLoaded = null;
        return;
      case 'progress': {
        // The worker numbers losses from 1; a batch starting at 1 begins a fresh run. Appending in
        // place keeps a long run linear (copying the history per batch froze the host for seconds).
        if (m.firstStep === 1) this.restart();
        for (let j = 0; j < m.losses.length; j++) {
          const step = m.firstStep + j;
          this.losses[step - 1] = m.losses[j];
          this.curveBuilder.add(step, m.losses[j]);
        }
        const curve = this.curveBuilder.curve();
        const loss = m.losses.length ? m.losses[m.losses.length - 1] : this.state.loss;
        this.state = { ...this.state, curve, step: m.step, loss, stepsPerSecond: m.stepsPerSecond };
        this.progressEmitter.fire({ curve, step: m.step, loss, stepsPerSecond: m.stepsPerSecond });
        return;
      }
      case 'status': {
        if (m.step === 0) this.restart();
        this.losses.length = m.step;
        const loss = m.step > 0 ? (this.losses[m.step - 1] ?? this.state.loss) : null;
        this.setState({ ...this.state, status: m.status, message: m.message, step: m.step, loss, curve: this.curveBuilder.curve() });
        if (m.snapshot && this.document) this.snapshotEmitter.fire({ document: this.document, version: this.loadedVersion, snapshot: m.snapshot });
        return;
      }
    }
  }

  /** Forgets the current run's losses; returns the empty curve for the state. */
  private restart(): { curve: LossCurve } {
    this.losses = [];
    this.curveBuilder = new LossCurveBuilder();
    return { curve: this.curveBuilder.curve() };
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
