import * as vscode from 'vscode';
import { formatNumber } from '../shared/numberFormat';
import type { TrainingSession } from './trainingSession';

/** A status-bar item that shows training progress; clicking it stops training. */
export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gradscope.training', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private lastDraw = 0;

  constructor(private readonly session: TrainingSession) {
    this.item.name = 'Gradscope Training';
    this.disposables.push(
      session.onDidChangeState(() => this.draw()),
      session.onDidProgress(() => {
        // The worker sends ~25 batches a second; the status bar needs fewer.
        if (Date.now() - this.lastDraw > 200) this.draw();
      }),
    );
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const s = this.session.current;
    const loss = s.loss === null ? '' : ` · loss ${formatNumber(s.loss, 4)}`;
    switch (s.status) {
      case 'running':
        this.item.text = `$(sync~spin) Training ${s.step}/${s.totalSteps}${loss}`;
        this.item.tooltip = 'Gradscope is training. Click to stop.';
        this.item.command = 'gradscope.stopTraining';
        this.item.show();
        return;
      case 'paused':
        this.item.text = `$(debug-pause) Paused ${s.step}/${s.totalSteps}${loss}`;
        this.item.tooltip = 'Training is paused. Click to open the training view.';
        this.item.command = 'gradscope.training.focus';
        this.item.show();
        return;
      case 'done':
      case 'diverged':
        this.item.text = `${s.status === 'done' ? '$(check)' : '$(warning)'} Trained ${s.step} steps${loss}`;
        this.item.tooltip = s.message || 'Training finished. Click to open the training view.';
        this.item.command = 'gradscope.training.focus';
        this.item.show();
        return;
      default:
        this.item.hide();
    }
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
