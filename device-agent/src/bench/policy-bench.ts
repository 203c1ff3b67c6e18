/**
 * `npm run bench:policy -w device-agent [-- RUNTIME_JSON]`: the mode-policy table alone, from the
 * priced modes (`policyModeCosts`: cost-model energy and latency, measured accuracy) a trained
 * runtime bench recorded. It lets the policy be re-measured without retraining or re-timing the
 * kernels; the full bench computes the same table itself when trained models are present.
 * Writes bench/results/policy.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EveError } from '../errors/eve-error.js';
import type { ModeCost } from '../policy/mode-policy.js';
import { getProfile } from '../cost/cost-model.js';
import { POLICY_SCENARIOS, formatPolicyTable, policyTable } from './policy-table.js';
import { POLICY_PROFILE } from './trained-bench.js';

interface RecordedNetwork {
  network: string;
  policyProfile?: string;
  policyModeCosts?: { modes: ModeCost[]; denseUnpruned: ModeCost };
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  // a relative path is the caller's: npm runs the script in device-agent/ and says where it was called from
  const source = process.argv[2] === undefined ? join(root, 'bench/results/runtime.json') : resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2]);
  const run = JSON.parse(readFileSync(source, 'utf8')) as { date?: string; networks?: RecordedNetwork[] };
  const priced = (run.networks ?? []).filter((n) => n.policyModeCosts !== undefined);
  if (priced.length === 0) throw new EveError('BENCH_NO_PRICED_MODES', `${source} has no policyModeCosts: it is not from a run on trained models`);
  const profile = getProfile(priced[0]!.policyProfile ?? POLICY_PROFILE);
  const sleepPowerW = profile.sleepCurrentA * profile.nominalVoltageV;
  const networks = priced.map((n) => ({
    network: n.network,
    modeCosts: n.policyModeCosts!,
    tables: POLICY_SCENARIOS.map((scenario) => ({ scenario, rows: policyTable(n.policyModeCosts!.modes, n.policyModeCosts!.denseUnpruned, sleepPowerW, scenario) })),
  }));
  for (const n of networks) {
    for (const t of n.tables) {
      console.log(`\ncorrect inferences per hour, ${n.network}, modes priced by the ${profile.name} cost model (${t.scenario.name}):`);
      for (const line of formatPolicyTable(t.rows)) console.log(line);
    }
  }
  const out = join(root, 'bench/results/policy.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), source: relative(root, source), sourceDate: run.date ?? null, profile: profile.name, sleepPowerW, networks }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
}

main();
