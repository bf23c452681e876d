// The engine side of `npm run bench`: bundled by bench/training.bench.mjs with esbuild (the build
// script bundles only the CLI) and loaded from a temp file. It times the real public path: analyze()
// a .grad source, then a Trainer stepping it, exactly as the CLI and the training worker do.
//
// The caller drives the runs one at a time (timedRun) so that it can interleave them with the numpy
// runs: on a shared machine both sides then see the same load.
import { analyze } from '../src/program/analyze';
import { Trainer } from '../src/program/trainer';

export interface EngineResult {
  /** The loss the last step saw (before its update), as numpy's train_step returns. */
  readonly lastStepLoss: number;
  /** After the last update: the watched prediction and the loss there. */
  readonly finalYHat: number[];
  readonly finalLoss: number;
  /** Every step's loss (before its update) of the last timed run. */
  readonly lossTrace: number[];
  /** The params after training, flattened in declaration order (numpy's W1, b1, W2, b2, W3, b3). */
  readonly finalParams: number[];
  readonly nodes: number;
}

export interface EngineBench {
  /** Milliseconds for one analyze() of the source: parse, compile (forward), backward, Jacobians, gradcheck. */
  timeAnalyze(): number;
  /** Untimed runs of `steps` steps, to let V8 optimise the hot paths. */
  warmup(runs: number): void;
  /** One timed run of `steps` steps from the initial params; returns microseconds per step. */
  timedRun(): number;
  /** What the last run computed, for the cross-check with numpy. */
  result(): EngineResult;
}

function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function prepareEngine(source: string, steps: number, predictionName: string): EngineBench {
  const analysis = analyze(source);
  if (analysis.hasErrors) {
    const messages = analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    throw new Error(`the benchmark program does not compile:\n  ${messages.join('\n  ')}`);
  }
  const { program } = analysis;
  if (!program.train) throw new Error('the benchmark program has no train directive');
  const prediction = program.names.get(predictionName);
  if (!prediction) throw new Error(`the benchmark program has no node named '${predictionName}'`);

  // The plan's step count bounds Trainer.run(); make it the benchmark's.
  const trainer = new Trainer(program, { ...program.train, steps });

  return {
    timeAnalyze() {
      const t0 = nowNs();
      const a = analyze(source);
      const ms = Number(nowNs() - t0) / 1e6;
      if (a.hasErrors) throw new Error('analyze() found errors');
      return ms;
    },
    warmup(runs) {
      for (let w = 0; w < runs; w++) {
        trainer.reset();
        trainer.run(steps);
      }
    },
    timedRun() {
      trainer.reset(); // outside the timed region, as numpy builds its network outside it
      const t0 = nowNs();
      trainer.run(steps);
      const t1 = nowNs();
      if (trainer.stepCount !== steps) throw new Error(`training stopped after ${trainer.stepCount} of ${steps} steps (diverged: ${trainer.diverged})`);
      return Number(t1 - t0) / 1e3 / steps;
    },
    result() {
      const lastStepLoss = trainer.losses[trainer.losses.length - 1];
      const lossTrace = [...trainer.losses];
      const finalParams = program.params.flatMap((p) => Array.from(p.node.value));
      // After run(), values describe the params before the last update; one more forward pass
      // shows the prediction after it (the recap's "Final Prediction").
      program.graph.forward(0);
      return {
        lastStepLoss,
        finalYHat: Array.from(prediction.node.value),
        finalLoss: program.loss!.node.value[0],
        lossTrace,
        finalParams,
        nodes: program.graph.nodes.length,
      };
    },
  };
}
