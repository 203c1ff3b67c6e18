/**
 * `npm run bench:policy -w device-agent [-- RUNTIME_JSON] [--extended]`: the mode-policy table alone, from the
 * priced modes (`policyModeCosts`: cost-model energy and latency, measured accuracy) a trained
 * runtime bench recorded. It lets the policy be re-measured without retraining or re-timing the
 * kernels; the full bench computes the same table itself when trained models are present.
 * Writes bench/results/policy.json; `--extended` runs the wider scenario grid instead, prints the
 * wins, ties and losses, and writes bench/results/policy-extended.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EveError, isEveError } from '../errors/eve-error.js';
import type { ModeCost } from '../policy/mode-policy.js';
import { getProfile } from '../cost/cost-model.js';
import { EXTENDED_SCENARIOS, POLICY_SCENARIOS, formatPolicyTable, policyTable, type PolicyRow } from './policy-table.js';
import { POLICY_PROFILE } from './trained-bench.js';

interface RecordedNetwork {
  network: string;
  policyProfile?: string;
  policyModeCosts?: { modes: ModeCost[]; denseUnpruned: ModeCost };
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  // a relative path is the caller's: npm runs the script in device-agent/ and says where it was called from
  const args = process.argv.slice(2);
  const extended = args.includes('--extended');
  const file = args.find((a) => !a.startsWith('--'));
  const source = file === undefined ? join(root, 'bench/results/runtime.json') : resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const scenarios = extended ? EXTENDED_SCENARIOS : POLICY_SCENARIOS;
  const run = readRun(source);
  const priced = (run.networks ?? []).filter((n) => n.policyModeCosts !== undefined);
  if (priced.length === 0) throw new EveError('BENCH_NO_PRICED_MODES', `${source} has no policyModeCosts: it is not from a run on trained models`);
  const profile = getProfile(priced[0]!.policyProfile ?? POLICY_PROFILE);
  const sleepPowerW = profile.sleepCurrentA * profile.nominalVoltageV;
  const networks = priced.map((n) => ({
    network: n.network,
    modeCosts: n.policyModeCosts!,
    tables: scenarios.map((scenario) => ({ scenario, rows: policyTable(n.policyModeCosts!.modes, n.policyModeCosts!.denseUnpruned, sleepPowerW, scenario) })),
  }));
  for (const n of networks) {
    for (const t of n.tables) {
      console.log(`\ncorrect inferences per hour, ${n.network}, modes priced by the ${profile.name} cost model (${t.scenario.name}):`);
      for (const line of formatPolicyTable(t.rows)) console.log(line);
    }
  }
  const rows = networks.flatMap((n) => n.tables.flatMap((t) => t.rows));
  const margin = (r: PolicyRow) => r.multiMode - Math.max(r.densestOnly, r.sparsestOnly, r.denseUnpruned);
  const losses = rows.filter((r) => margin(r) < 0);
  console.log(`\n${rows.length} rows: ${rows.filter((r) => r.multiModeWins).length} wins, ${rows.length - rows.filter((r) => r.multiModeWins).length - losses.length} ties, ${losses.length} losses${losses.length > 0 ? ` (worst ${Math.min(...losses.map(margin)).toFixed(2)} correct/h)` : ''}`);
  const out = join(root, extended ? 'bench/results/policy-extended.json' : 'bench/results/policy.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), source: relative(root, source), sourceDate: run.date ?? null, profile: profile.name, sleepPowerW, networks }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
}

/** The recorded run, or a typed error naming the file and what is wrong with it. */
function readRun(source: string): { date?: string; networks?: RecordedNetwork[] } {
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (e) {
    throw new EveError('BENCH_RUN_UNREADABLE', `cannot read ${source}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text) as { date?: string; networks?: RecordedNetwork[] };
  } catch (e) {
    throw new EveError('BENCH_RUN_UNREADABLE', `${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

try {
  main();
} catch (e) {
  console.error(`bench:policy: ${isEveError(e) ? `${e.code}: ${e.message}` : (e as Error).message}`);
  process.exitCode = 1;
}
