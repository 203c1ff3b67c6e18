/**
 * `eve demo`: the whole EVE loop on embedded defaults — virtual lab, embedded broker, SQLite —
 * or on the instruments, boards and broker a config file names. Steps:
 * lab up -> connect -> train -> measure dense baseline -> search on measured costs ->
 * fine-tune the winner -> measure every mode on every board -> report.
 */
import { join } from 'node:path';
import { Listr } from 'listr2';
import { indoorLight, mulberry32, type HarvestTrace } from '@eve-bench/device-agent';
import {
  EvolutionStrategy, GenomeSpace, candidateKey, createRng, fineTuneJoint, getNetworkSpec, initWasmBackend, loadMnist,
  evaluateAccuracy, nestedMagnitudeKeep, runSearch, scoreEvaluation, trainDense,
  type Dataset, type Evaluation, type Scored, type SearchResult, type TrainedModel,
} from '@eve-bench/search';
import type { BenchConfig } from '../config/bench-config.js';
import { defaultVirtualBoards, startVirtualLab, type VirtualLab } from '../lab/virtual-lab.js';
import { connectBench, type BenchSession } from '../session/bench-session.js';
import { demoPlan, type DemoPlan } from './plan.js';
import { startDemoTelemetry, type DemoTelemetry } from './demo-telemetry.js';
import { buildPackage, inputsOf, type BuiltPackage } from '../evaluator/package-builder.js';
import { HilEvaluator } from '../evaluator/hil-evaluator.js';
import { measurePackage, type PackageMeasurement } from '../measure/measure-package.js';
import { formatTable, writeResult, type DemoResult, type ModeRow } from './report.js';
import { SqliteCampaignStore } from '../campaign/sqlite-store.js';
import { writeFile } from 'node:fs/promises';
import { deployChecksum, getProfile } from '@eve-bench/device-agent';

export interface DemoOptions {
  outDir: string;
  quick: boolean;
  seed: number;
  config?: BenchConfig;
  /** Where the progress display and the table go. */
  stdout?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

interface Ctx {
  lab?: VirtualLab;
  bench?: BenchSession;
  telemetry?: DemoTelemetry;
  store?: SqliteCampaignStore;
  campaignId?: number;
  data?: Dataset;
  dense?: TrainedModel;
  densePkg?: BuiltPackage;
  denseMeasured?: PackageMeasurement[];
  search?: SearchResult;
  finalPkg?: BuiltPackage;
  finalMeasured?: PackageMeasurement[];
  warnings: string[];
  chosen?: Scored;
}

const RAIL_V = 3.3;

/** A bright indoor day by a window on a ~10 cm² panel: mA-level current limits a DP832 can set. */
function demoTrace(seed: number, quick: boolean): HarvestTrace {
  return indoorLight(mulberry32(seed), { durationS: quick ? 60 : 300, stepS: 1, onPowerW: 20e-3, offPowerW: 4e-3, meanSwitchS: 15 });
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const plan = demoPlan(o.quick);
  const out = o.stdout ?? process.stdout;
  const ctx: Ctx = { warnings: [] };
  const trace = demoTrace(o.seed, o.quick);
  const costSource = o.config?.boards.length ? 'hardware' : 'virtual';

  const tasks = new Listr<Ctx>([
    {
      title: o.config?.boards.length ? 'Connect to the bench named in the config' : 'Start the virtual lab (DP832 over SCPI/TCP, 2 boards over TCP, MQTT broker, SQLite)',
      task: async (c, task) => {
        c.store = new SqliteCampaignStore(join(o.outDir, 'eve.sqlite'));
        c.campaignId = c.store.createCampaign(`demo-${new Date(started).toISOString()}`, { plan, seed: o.seed, trace: trace.provenance });
        let supplies; let boards;
        if (o.config?.boards.length) {
          supplies = o.config.supplies.map((s) => ({ id: s.id, url: s.transport, limits: s.limits }));
          boards = o.config.boards.map((b) => ({ id: b.id, url: b.transport, supplyId: b.supply.id, channel: b.supply.channel }));
        } else {
          c.lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
          supplies = [{ id: 'sim-dp832', url: c.lab.psuUrl, limits: { '1': { maxVoltageV: 3.6, maxCurrentA: 0.05 }, '2': { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }];
          boards = c.lab.boards.map((b) => ({ id: b.spec.id, url: b.url, supplyId: 'sim-dp832', channel: b.spec.channel }));
        }
        const profiles = new Map<string, string>(o.config?.boards.length ? o.config.boards.map((b) => [b.id, b.profile]) : c.lab!.boards.map((b) => [b.spec.id, b.spec.profile]));
        c.telemetry = await startDemoTelemetry({
          outDir: o.outDir, bench: o.config?.bench ?? 'virtual-lab', mqtt: o.config?.mqtt, boards: boards.map((b) => b.id),
          // dense baseline and final package on every board, one board per search candidate
          jobsTotal: 2 * boards.length + plan.searchBudget,
          profileOf: (id) => { const p = profiles.get(id); return p ? getProfile(p) : undefined; },
          log: (l) => ctx.warnings.push(l),
        });
        c.bench = await connectBench({ supplies, boards, trace, railVoltageV: RAIL_V, precision: plan.finalPrecision, log: (l) => { task.output = l; } });
        task.title = `${task.title}: ${c.bench.boards.length} boards ready`;
      },
    },
    {
      title: `Train ${plan.network} on MNIST (${plan.trainCount} images, ${plan.epochs} epochs, TensorFlow.js WASM)`,
      task: async (c, task) => {
        await initWasmBackend();
        c.data = await loadMnist({ trainCount: plan.trainCount, valCount: plan.valCount, testCount: plan.testCount, seed: o.seed });
        c.dense = await trainDense(getNetworkSpec(plan.network), c.data, {
          epochs: plan.epochs, batchSize: plan.batchSize, learningRate: plan.learningRate, seed: o.seed, signal: o.signal,
          onProgress: (p) => { task.output = `epoch ${p.epoch + 1}/${plan.epochs}  batch ${p.batch}/${p.batches}  loss ${p.loss.toFixed(3)}`; },
        });
      },
    },
    {
      title: 'Measure the dense, unpruned baseline on every board',
      task: async (c, task) => {
        const keep = c.dense!.params.map((p) => new Int8Array(p.weights.length)); // every weight kept in the single mode
        // Same training budget as the EVE model gets: the epochs of its final joint fine-tune, unpruned.
        const trained = await fineTuneJoint(c.dense!, keep, c.data!, {
          epochs: plan.finalFineTune.epochs, batchSize: plan.batchSize, learningRate: plan.learningRate / 2, seed: o.seed, signal: o.signal,
          onProgress: (p) => { task.output = `train the unpruned baseline ${plan.finalFineTune.epochs} more epochs (as the modes get): batch ${p.batch}/${p.batches}`; },
        });
        c.densePkg = buildPackage(trained, keep, 'dense', ['dense'], 'dense');
        // the same test images the modes are measured on
        const inputs = inputsOf(c.data!.test, plan.boardTestImages, c.data!.features);
        c.denseMeasured = [];
        for (const b of c.bench!.boards) {
          task.output = `deploy ${c.densePkg.bytes.length} bytes to ${b.id}`;
          c.denseMeasured.push(await measurePackage(b, c.densePkg.pkg, c.densePkg.bytes, inputs, c.data!.test.labels, c.telemetry!.hooks('dense', () => 'dense', c.store!, c.campaignId!, costSource), o.signal, plan.finalPrecision));
        }
      },
    },
    {
      title: `Search ${plan.searchBudget} candidates on measured costs (regularized evolution)`,
      task: async (c, task) => {
        // candidates derive from the dense model as trained so far: their floors are relative to it
        const denseAccuracy = evaluateAccuracy(c.dense!, { ...c.data!.val, count: Math.min(plan.accuracyImages, c.data!.val.count) }, c.data!.features);
        const space = new GenomeSpace({ modes: plan.modeNames.length, layers: c.dense!.params.length, choices: plan.sparsityChoices });
        const rng = createRng(o.seed);
        const evaluator: HilEvaluator = new HilEvaluator({
          boards: c.bench!.boards, dense: c.dense!, dataset: c.data!, modeNames: plan.modeNames, costSource,
          fineTune: { epochs: plan.candidateFineTune.epochs, trainCount: plan.candidateFineTune.trainCount, batchSize: plan.batchSize, learningRate: plan.learningRate, seed: o.seed, lossWeights: plan.lossWeights },
          accuracyImages: plan.accuracyImages,
          measureInputs: inputsOf(c.data!.val, plan.windowInferences, c.data!.features),
          precision: plan.searchPrecision,
          hooks: c.telemetry!.hooks('search', () => evaluator.current(), c.store!, c.campaignId!, costSource),
        });
        task.output = `dense accuracy on validation: ${(denseAccuracy * 100).toFixed(1)} %`;
        const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy, maxDrop: plan.maxDropPoints, lossWeights: plan.lossWeights });
        c.search = await runSearch({
          space, evaluator, budget: plan.searchBudget, score, signal: o.signal,
          strategy: new EvolutionStrategy(space, rng, { population: Math.max(2, Math.floor(plan.searchBudget / 2)), tournament: 2 }),
          onEvaluated: (ev, s, i) => {
            c.store!.recordEvaluation(c.campaignId!, candidateKey(ev.candidate), ev, s.value);
            task.output = `candidate ${i + 1}/${plan.searchBudget}: ${s.feasible ? `score ${s.value.toFixed(4)}` : `infeasible (${s.violated})`}; energy µJ ${ev.modes.map((m) => m.energyUj.toFixed(1)).join(' / ')}`;
          },
        });
      },
    },
    {
      title: 'Fine-tune the winner jointly and measure every mode on every board',
      task: async (c, task) => {
        let best = c.search!.best;
        if (!best) {
          // Nothing met every floor: continue with the candidate that came closest, and say so.
          best = [...c.search!.history].sort((a, b) => b.score.margin - a.score.margin)[0]!;
          c.warnings.push(`no candidate met every accuracy floor in ${plan.searchBudget} evaluations; continuing with the closest (${best.score.violated})`);
          task.output = c.warnings[c.warnings.length - 1]!;
        }
        c.chosen = best;
        const keep = nestedMagnitudeKeep(c.dense!, best.evaluation.candidate.sparsity);
        const tuned = await fineTuneJoint(c.dense!, keep, c.data!, {
          epochs: plan.finalFineTune.epochs, batchSize: plan.batchSize, learningRate: plan.learningRate / 2, seed: o.seed, lossWeights: plan.lossWeights, signal: o.signal,
          onProgress: (p) => { task.output = `joint fine-tune epoch ${p.epoch + 1}  batch ${p.batch}/${p.batches}  loss ${p.loss.toFixed(3)}`; },
        });
        c.finalPkg = buildPackage(tuned, keep, 'eve-demo', plan.modeNames);
        await writeFile(join(o.outDir, 'eve-demo.eve'), c.finalPkg.bytes);
        await writeFile(join(o.outDir, 'dense.eve'), c.densePkg!.bytes);
        const inputs = inputsOf(c.data!.test, plan.boardTestImages, c.data!.features);
        c.finalMeasured = [];
        for (const b of c.bench!.boards) {
          task.output = `deploy ${c.finalPkg.bytes.length} bytes to ${b.id}, measure ${plan.modeNames.length} modes x ${inputs.length} test images`;
          c.finalMeasured.push(await measurePackage(b, c.finalPkg.pkg, c.finalPkg.bytes, inputs, c.data!.test.labels, c.telemetry!.hooks('final', () => 'eve-demo', c.store!, c.campaignId!, costSource), o.signal, plan.finalPrecision));
        }
      },
    },
    {
      title: 'Drain telemetry (every published message stored)',
      task: async (c) => {
        await c.telemetry!.finish(15_000);
      },
    },
  ], { concurrent: false, exitOnError: true, rendererOptions: { collapseSubtasks: false } });

  try {
    await tasks.run(ctx);
    const result = assemble(ctx, plan, o.seed, costSource, started);
    await writeResult(o.outDir, result);
    out.write(`\n${formatTable(result)}\n\nwrote ${join(o.outDir, 'result.json')}\n`);
    return result;
  } finally {
    await ctx.bench?.close();
    await ctx.telemetry?.close();
    await ctx.lab?.close();
    ctx.store?.close();
  }
}

/** Simulation ground truth for one mode of one package, across the virtual boards (none on real hardware). */
function truthFor(lab: VirtualLab | undefined, pkg: Uint8Array, mode: number): { latencyUs: number; energyUj: number } | undefined {
  if (!lab) return undefined;
  const crc = deployChecksum(pkg);
  const recs = lab.boards.flatMap((b) => b.board.groundTruth().filter((t) => t.packageCrc === crc && t.mode === mode && t.completed));
  if (recs.length === 0) return undefined;
  return { latencyUs: mean(recs.map((r) => r.latencyUs)), energyUj: mean(recs.map((r) => r.energyJ * 1e6)) };
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

function assemble(c: Ctx, plan: DemoPlan, seed: number, costSource: string, started: number): DemoResult {
  const perMode = (ms: PackageMeasurement[], k: number) => ms.map((m) => m.modes[k]!);
  const dense = perMode(c.denseMeasured!, 0);
  const denseLatency = mean(dense.map((m) => m.latencyUs));
  const modes: ModeRow[] = c.finalPkg!.pkg.modes.map((mode, k) => {
    const ms = perMode(c.finalMeasured!, k);
    const latencyUs = mean(ms.map((m) => m.latencyUs));
    return {
      name: mode.name,
      sparsity: mode.sparsity,
      accuracy: mean(ms.map((m) => m.boardAccuracy ?? 0)),
      latencyUs,
      energyUj: mean(ms.map((m) => m.energyUj)),
      energyUncertaintyUj: Math.max(...ms.map((m) => m.energyUncertaintyUj)),
      speedup: denseLatency / latencyUs,
      truth: truthFor(c.lab, c.finalPkg!.bytes, k),
    };
  });
  const t = c.telemetry!.counts();
  const best = c.chosen!;
  return {
    dense: { accuracy: mean(dense.map((m) => m.boardAccuracy ?? 0)), latencyUs: denseLatency, energyUj: mean(dense.map((m) => m.energyUj)), truth: truthFor(c.lab, c.densePkg!.bytes, 0) },
    modes,
    telemetry: { published: t.published, stored: t.stored, invalid: t.invalid },
    search: {
      evaluated: c.search!.history.length,
      costSource,
      best: { candidate: best.evaluation.candidate, feasible: best.score.feasible, score: best.score.value, modes: best.evaluation.modes },
      warnings: c.warnings,
    },
    package: { bytes: c.finalPkg!.bytes.length, denseBytes: c.densePkg!.bytes.length },
    boards: c.bench!.boards.map((b) => b.id),
    plan,
    seed,
    durationS: (Date.now() - started) / 1000,
  };
}
