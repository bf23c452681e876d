// `npm run bench`: times 1000 training steps of examples/training.grad through the engine and the same
// steps hand-written in numpy (bench/numpy_training.py, the recap's ThreeLayerNetwork), in one run,
// and prints both, their ratio and whether the engine meets the target of being >= 10x faster per
// step. A benchmark, not a test: it exits 1 only when the two sides did not compute the same thing
// (a timing of different work means nothing) or when a side fails to run.
//
// The build script bundles only src/cli/main.ts, so this bundles its own entry (bench/engineSteps.ts)
// with esbuild into os.tmpdir() and imports it.
//
// The environment may set OPENBLAS_CORETYPE (and thread counts); for the recap's 2x2 matrices BLAS is
// not involved, so the environment is passed to python unchanged.
//
// Options: --steps N (1000), --runs N (7), --warmup N (3), --wide (also time a 64-wide, batch-32
// network written as a generated .grad against its numpy equivalent; informative, no target).
import * as esbuild from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const STEPS = opt('--steps', 1000);
const RUNS = opt('--runs', 7);
const WARMUP = opt('--warmup', 3);
const WIDE = argv.includes('--wide');
const TARGET = 10;
/** y_hat must agree this closely; both sides do the same float64 operations in nearly the same order. */
const Y_HAT_TOLERANCE = 1e-9;

// ---- engine bundle ---------------------------------------------------------------------------------
const outDir = mkdtempSync(path.join(os.tmpdir(), 'gradscope-bench-'));
const outFile = path.join(outDir, 'engineSteps.mjs');
await esbuild.build({
  entryPoints: [path.join(here, 'engineSteps.ts')],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  minify: false, // same code as the shipped CLI bundle (which is not minified in dev builds)
  logLevel: 'warning',
});
let engine;
try {
  engine = await import(pathToFileURL(outFile).href);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

// ---- helpers ---------------------------------------------------------------------------------------
const NUMPY_SCRIPT = path.join(here, 'numpy_training.py');

function numpyOnce(args) {
  try {
    return JSON.parse(execFileSync('python3', [NUMPY_SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  } catch (e) {
    console.error(`bench: python3 ${path.relative(root, NUMPY_SCRIPT)} failed (${e.message.split('\n')[0]})`);
    process.exit(1);
  }
}

/** numpy_training.py --serve: a python process that times one run per request, so runs interleave. */
function numpyServer(args) {
  const child = spawn('python3', [NUMPY_SCRIPT, '--serve', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  const lines = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(JSON.parse(line));
    else lines.push(line);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`python3 ${path.relative(root, NUMPY_SCRIPT)} exited with code ${code}`));
  });
  child.on('error', (e) => {
    for (const w of waiting.splice(0)) w.reject(e);
  });
  const next = () => (lines.length ? Promise.resolve(JSON.parse(lines.shift())) : new Promise((resolve, reject) => waiting.push({ resolve, reject })));
  const ask = (command) => {
    child.stdin.write(`${command}\n`);
    return next();
  };
  return { ready: next, run: () => ask('run'), finish: () => ask('finish') };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

const us = (x) => `${x.toFixed(x < 10 ? 2 : 1)} µs`;
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs one comparison, prints it, returns { ok, ratio }. */
async function compare({ title, source, predictionName, numpyArgs, tolerance, target }) {
  const bench = engine.prepareEngine(source, STEPS, predictionName);
  const py = numpyServer(['--steps', String(STEPS), ...numpyArgs]);
  await py.ready(); // python has done its own warm-up run
  bench.warmup(WARMUP);
  bench.timeAnalyze(); // warm-up

  // Interleaved: engine run, numpy run, analyze, and again, so that both sides see the same load.
  const engineUs = [];
  const numpyUs = [];
  const analyzeMs = [];
  for (let r = 0; r < RUNS; r++) {
    engineUs.push(bench.timedRun());
    numpyUs.push(((await py.run()).seconds / STEPS) * 1e6);
    analyzeMs.push(bench.timeAnalyze());
  }
  const e = bench.result();
  const n = await py.finish();

  const nYHat = Array.isArray(n.final_y_hat) ? n.final_y_hat : [n.final_y_hat];
  const diff = maxAbsDiff(e.finalYHat, nYHat);
  // y_hat alone is a weak check here: training drives it to the target whatever the path. So the
  // whole loss curve and the final params must agree too.
  const traceDiff = maxAbsDiff(e.lossTrace, n.loss_trace);
  const paramDiff = maxAbsDiff(e.finalParams, n.final_params);
  const ok = diff <= tolerance && traceDiff <= tolerance && paramDiff <= tolerance;

  const eMed = median(engineUs);
  const nMed = median(numpyUs);
  const eBest = Math.min(...engineUs);
  const nBest = Math.min(...numpyUs);
  // The headline ratio: the median over the runs of numpy/engine, each pair timed back to back.
  const paired = median(engineUs.map((t, i) => numpyUs[i] / t));

  console.log(`\n${title}`);
  console.log(`  ${STEPS} steps per run, ${RUNS} timed runs per side, interleaved; ${WARMUP} warm-up runs on the engine, 1 in numpy; ${e.nodes} graph nodes`);
  console.log(`  ${pad('', 24)}${padL('median/step', 13)}${padL('best/step', 13)}`);
  console.log(`  ${pad('engine (Trainer.run)', 24)}${padL(us(eMed), 13)}${padL(us(eBest), 13)}`);
  console.log(`  ${pad('numpy (hand-written)', 24)}${padL(us(nMed), 13)}${padL(us(nBest), 13)}`);
  console.log(`  ${pad('ratio numpy/engine', 24)}${padL((nMed / eMed).toFixed(1) + 'x', 13)}${padL((nBest / eBest).toFixed(1) + 'x', 13)}   median of paired ratios ${paired.toFixed(1)}x`);
  if (target !== undefined) {
    console.log(`  target: engine >= ${target}x faster per step (median of paired ratios ${paired.toFixed(1)}x): ${paired >= target ? 'MET' : 'NOT MET'}`);
  }
  console.log(`  analyze() once (parse + compile + forward/backward + Jacobians + gradcheck): median ${median(analyzeMs).toFixed(2)} ms, best ${Math.min(...analyzeMs).toFixed(2)} ms`);
  const show = (v) => (v.length === 1 ? v[0].toPrecision(17) : `[${v.slice(0, 3).map((x) => x.toPrecision(12)).join(', ')}${v.length > 3 ? ', ...' : ''}]`);
  console.log(`  final y_hat   engine ${show(e.finalYHat)}   numpy ${show(nYHat)}   max |diff| ${diff.toExponential(2)} (tolerance ${tolerance.toExponential(0)})`);
  console.log(`  final loss    engine ${e.finalLoss.toPrecision(17)}   numpy ${Number(n.final_loss).toPrecision(17)}`);
  console.log(`  same work: max |diff| over all ${STEPS} losses ${traceDiff.toExponential(2)}, over the ${e.finalParams.length} final params ${paramDiff.toExponential(2)}`);
  if (!ok) console.error(`  MISMATCH: the two sides did not compute the same thing; the timings above are meaningless`);
  return { ok, paired, numpyVersion: n.numpy_version, pythonVersion: n.python_version };
}

// ---- the runs ----------------------------------------------------------------------------------------
const trainingSource = readFileSync(path.join(root, 'examples', 'training.grad'), 'utf8');
const main = await compare({
  title: 'examples/training.grad (2-2-2-1 tanh, one example, SGD lr 0.01)',
  source: trainingSource,
  predictionName: 'y_hat',
  numpyArgs: [],
  tolerance: Y_HAT_TOLERANCE,
  target: TARGET,
});

let allOk = main.ok;
if (WIDE) {
  const batch = 32;
  const width = 64;
  const wideSource = numpyOnce(['--print-wide-grad', '--batch', String(batch), '--width', String(width)]).grad;
  const wide = await compare({
    title: `wide variant (${width}-${width}-${width}-1 tanh, batch ${batch} as a [${batch}, ${width}] matrix, mean squared error)`,
    source: wideSource,
    predictionName: 'y_hat',
    numpyArgs: ['--variant', 'wide', '--batch', String(batch), '--width', String(width)],
    // Matrix products of length 64 are summed in a different order by BLAS than by the engine's
    // loops, so results agree to rounding, not bit for bit.
    tolerance: 1e-9,
  });
  allOk &&= wide.ok;
}

console.log(`\nmachine: node ${process.version}, python ${main.pythonVersion}, numpy ${main.numpyVersion}, ${cpuModel()} (${os.cpus().length} CPUs), ${os.platform()} ${os.arch()}`);
process.exit(allOk ? 0 : 1);
