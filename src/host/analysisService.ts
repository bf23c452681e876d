import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { RunReport } from '../program/report';
import type { AnalysisModel } from '../shared/model';
import type { AnalyzeRequest, AnalyzeResponse, EngineSettings, TrainedSnapshot } from './workerProtocol';

/** The analysis of one version of one document. */
export interface DocumentAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly model: AnalysisModel;
  /** The `gradscope run --json` report of the same run. */
  readonly report: RunReport;
}

/** Thrown (as a rejection) when a newer request or the user cancelled a run. */
export class CancelledError extends Error {
  constructor() {
    super('Gradscope: analysis cancelled');
  }
}

interface Job {
  readonly id: number;
  readonly uri: string;
  readonly version: number;
  readonly request: AnalyzeRequest;
  readonly resolve: (a: DocumentAnalysis) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Runs analyses in a worker thread, one at a time, newest first per document. A newer request for
 * a document replaces its queued one and cancels its running one by terminating the worker, so an
 * old, slow run never delays what the user sees now.
 */
export class AnalysisService implements vscode.Disposable {
  private worker: Worker | null = null;
  private running: Job | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly latestByUri = new Map<string, DocumentAnalysis>();
  private readonly trainedByUri = new Map<string, { version: number; snapshot: TrainedSnapshot }>();
  private readonly emitter = new vscode.EventEmitter<DocumentAnalysis>();
  /** Fires after each completed analysis. */
  readonly onDidAnalyze = this.emitter.event;

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  /** The newest analysis of a document, whatever its version. */
  latest(uri: vscode.Uri): DocumentAnalysis | undefined {
    return this.latestByUri.get(uri.toString());
  }

  /** Values and gradients after the last training of this very version, if any. */
  trained(document: vscode.TextDocument): TrainedSnapshot | undefined {
    const t = this.trainedByUri.get(document.uri.toString());
    return t && t.version === document.version ? t.snapshot : undefined;
  }

  setTrained(document: vscode.TextDocument, version: number, snapshot: TrainedSnapshot): void {
    this.trainedByUri.set(document.uri.toString(), { version, snapshot });
  }

  /** The analysis of the document's current version: the cached one, or a fresh run. */
  async current(document: vscode.TextDocument, settings: EngineSettings): Promise<DocumentAnalysis> {
    const cached = this.latest(document.uri);
    if (cached && cached.version === document.version) return cached;
    const inQueue = [this.running, ...this.queue].find((j) => j && j.uri === document.uri.toString() && j.version === document.version && !j.request.train);
    if (inQueue) {
      return new Promise((resolve, reject) => {
        const sub = this.onDidAnalyze((a) => {
          if (a.uri === inQueue.uri && a.version === inQueue.version) {
            sub.dispose();
            clearTimeout(timer);
            resolve(a);
          }
        });
        // If that run is cancelled meanwhile, ask again for whatever is current then.
        const timer = setTimeout(() => {
          sub.dispose();
          this.current(document, settings).then(resolve, reject);
        }, 5000);
      });
    }
    return this.analyze(document, settings, false);
  }

  /** Analyses (and with `train`, trains) the document as it is now. */
  analyze(document: vscode.TextDocument, settings: EngineSettings, train: boolean, token?: vscode.CancellationToken): Promise<DocumentAnalysis> {
    const uri = document.uri.toString();
    const id = this.nextId++;
    return new Promise<DocumentAnalysis>((resolve, reject) => {
      const job: Job = { id, uri, version: document.version, request: { type: 'analyze', id, source: document.getText(), settings, train }, resolve, reject };
      // A newer look at the same document makes older queued ones pointless.
      for (let i = this.queue.length - 1; i >= 0; i--) {
        if (this.queue[i].uri === uri && !this.queue[i].request.train) this.queue.splice(i, 1)[0].reject(new CancelledError());
      }
      if (this.running && this.running.uri === uri && !this.running.request.train && this.running.version !== job.version) this.cancelRunning();
      this.queue.push(job);
      token?.onCancellationRequested(() => this.cancel(job));
      this.pump();
    });
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(new CancelledError());
    } else if (this.running === job) {
      this.cancelRunning();
      this.pump();
    }
  }

  private cancelRunning(): void {
    const job = this.running;
    this.running = null;
    // Terminating is the only way to stop a synchronous computation in a worker.
    void this.worker?.terminate();
    this.worker = null;
    job?.reject(new CancelledError());
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    this.ensureWorker().postMessage(job.request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'analysisWorker.js'));
    worker.on('message', (response: AnalyzeResponse) => this.onResponse(response));
    worker.on('error', (e) => {
      this.log.error('Analysis worker failed', e);
      if (this.worker === worker) this.worker = null;
      const job = this.running;
      this.running = null;
      job?.reject(e);
      this.pump();
    });
    this.worker = worker;
    return worker;
  }

  private onResponse(response: AnalyzeResponse): void {
    const job = this.running;
    if (!job || job.id !== response.id) return;
    this.running = null;
    if (response.type === 'failure') {
      this.log.error(`Analysis of ${job.uri} failed: ${response.message}`);
      job.reject(new Error(response.message.split('\n')[0]));
    } else {
      const analysis: DocumentAnalysis = { uri: job.uri, version: job.version, model: response.model, report: response.report };
      const previous = this.latestByUri.get(job.uri);
      if (!previous || previous.version <= job.version) this.latestByUri.set(job.uri, analysis);
      this.log.debug(`Analysed ${job.uri} v${job.version} in ${response.model.elapsedMs.toFixed(1)} ms`);
      job.resolve(analysis);
      this.emitter.fire(analysis);
    }
    this.pump();
  }

  forget(uri: vscode.Uri): void {
    this.latestByUri.delete(uri.toString());
    this.trainedByUri.delete(uri.toString());
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) job.reject(new CancelledError());
    this.cancelRunning();
    this.emitter.dispose();
  }
}
