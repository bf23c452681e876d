import { parentPort } from 'node:worker_threads';
import { analyze } from '../program/analyze';
import { buildReport } from '../program/report';
import { summarize, trainRecording } from '../program/summarize';
import { Trainer } from '../program/trainer';
import type { AnalyzeRequest, AnalyzeResponse } from './workerProtocol';

// The analysis worker: parse, compile, forward/backward, Jacobians, gradient check and, for Run
// Backprop, training. It runs off the extension host's thread; the host terminates it to cancel.

parentPort?.on('message', (request: AnalyzeRequest) => {
  const started = performance.now();
  let response: AnalyzeResponse;
  try {
    const analysis = analyze(request.source, { gradcheck: request.settings });
    const plan = analysis.program.train;
    const trainer = request.train && plan && !analysis.hasErrors ? new Trainer(analysis.program, plan) : null;
    const recorder = trainer ? trainRecording(trainer) : null;
    const report = buildReport(analysis, trainer);
    const model = summarize(analysis, trainer && recorder ? { trainer, recorder } : null, performance.now() - started);
    response = { type: 'analysis', id: request.id, model, report };
  } catch (e) {
    // The library reports problems as diagnostics; reaching here is a bug, and the host says so.
    response = { type: 'failure', id: request.id, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  parentPort?.postMessage(response);
});
