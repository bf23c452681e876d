import { parentPort } from 'node:worker_threads';
import { analyze } from '../program/analyze';
import { Trainer } from '../program/trainer';
import type { TrainingStatus } from '../shared/protocol';
import { preview, statsOf } from '../shared/tensorStats';
import type { FromTrainingWorker, ToTrainingWorker, TrainedSnapshot } from './workerProtocol';

// The training worker: trains in slices of about 10 ms, yielding between slices so that Pause, Step
// and Reset arrive promptly, and posts the new losses in batches every 40 ms (25 updates a second),
// never one message per step.

const SLICE_MS = 10;
const POST_EVERY_MS = 40;

let trainer: Trainer | null = null;
let running = false;
let pendingFrom = 0; // index of the first loss not yet posted
let lastPost = 0;
let rateSince = { time: 0, step: 0 };
let stepsPerSecond = 0;

function post(message: FromTrainingWorker): void {
  parentPort?.postMessage(message);
}

function snapshot(): TrainedSnapshot | null {
  if (!trainer) return null;
  trainer.settle();
  const nodes = trainer.program.graph.nodes;
  return {
    step: trainer.stepCount,
    values: nodes.map((n) => preview(n.value)),
    grads: nodes.map((n) => preview(n.grad)),
    stats: nodes.map((n) => ({ value: statsOf(n.value), grad: statsOf(n.grad) })),
  };
}

function flush(): void {
  if (!trainer || pendingFrom >= trainer.losses.length) return;
  const now = performance.now();
  const elapsed = (now - rateSince.time) / 1000;
  if (elapsed > 0.2) {
    stepsPerSecond = (trainer.stepCount - rateSince.step) / elapsed;
    rateSince = { time: now, step: trainer.stepCount };
  }
  post({ type: 'progress', firstStep: pendingFrom + 1, losses: trainer.losses.slice(pendingFrom), step: trainer.stepCount, stepsPerSecond });
  pendingFrom = trainer.losses.length;
  lastPost = now;
}

function status(s: TrainingStatus, message = ''): void {
  flush();
  post({ type: 'status', status: s, step: trainer?.stepCount ?? 0, message, snapshot: s === 'running' ? null : snapshot() });
}

function finishedStatus(): TrainingStatus {
  return trainer!.diverged ? 'diverged' : 'done';
}

function slice(): void {
  if (!running || !trainer) return;
  const end = performance.now() + SLICE_MS;
  while (performance.now() < end && !trainer.done && !trainer.diverged) {
    // Several steps between clock reads: a step of a small network takes microseconds.
    for (let i = 0; i < 64 && !trainer.done && !trainer.diverged; i++) trainer.step();
  }
  if (trainer.done || trainer.diverged) {
    running = false;
    status(finishedStatus(), trainer.diverged ? `The loss became ${trainer.losses[trainer.losses.length - 1]} at step ${trainer.stepCount}` : '');
    return;
  }
  if (performance.now() - lastPost >= POST_EVERY_MS) flush();
  setImmediate(slice);
}

parentPort?.on('message', (msg: ToTrainingWorker) => {
  try {
    switch (msg.type) {
      case 'load': {
        running = false;
        trainer = null;
        pendingFrom = 0;
        const analysis = analyze(msg.source, { gradcheck: msg.settings });
        const plan = analysis.program.train;
        if (analysis.hasErrors) {
          post({ type: 'loaded', optimizer: null, totalSteps: 0, message: 'Fix the errors in the file to train it.' });
        } else if (!plan) {
          post({ type: 'loaded', optimizer: null, totalSteps: 0, message: "The file has no train line: add e.g. 'train sgd(lr=0.01) steps 1000'." });
        } else {
          trainer = new Trainer(analysis.program, plan);
          const { kind, ...settings } = plan.optimizer;
          post({ type: 'loaded', optimizer: { kind, settings }, totalSteps: plan.steps, message: '' });
        }
        return;
      }
      case 'run':
        if (!trainer || running) return;
        if (trainer.done || trainer.diverged) trainer.reset(), (pendingFrom = 0);
        running = true;
        rateSince = { time: performance.now(), step: trainer.stepCount };
        lastPost = performance.now();
        status('running');
        setImmediate(slice);
        return;
      case 'pause':
        // Only a running run pauses: a Pause that crosses the end of the run (or a second Pause)
        // must not turn 'done' into 'paused' at the last step.
        if (!trainer || !running) return;
        running = false;
        status('paused');
        return;
      case 'step':
        if (!trainer || running || trainer.done) return;
        trainer.step();
        status(trainer.done || trainer.diverged ? finishedStatus() : 'paused');
        return;
      case 'reset':
        if (!trainer) return;
        running = false;
        trainer.reset();
        pendingFrom = 0;
        stepsPerSecond = 0;
        status('idle');
        return;
    }
  } catch (e) {
    running = false;
    post({ type: 'status', status: 'error', step: trainer?.stepCount ?? 0, message: e instanceof Error ? e.message : String(e), snapshot: null });
  }
});
