import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderAll } from './provisioning/render.js';
import { panelQueries } from './panel-queries.js';

const grafanaDir = fileURLToPath(new URL('../grafana/', import.meta.url));

function committed(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? committed(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

describe('generated Grafana files', () => {
  it('are committed exactly as the generator writes them (run `npm run generate -w dashboards`)', () => {
    const files = renderAll();
    expect(committed(grafanaDir).sort()).toEqual([...files.keys()].sort());
    for (const [path, text] of files) expect(readFileSync(join(grafanaDir, path), 'utf8'), path).toBe(text);
  });

  it('cover the lab, the campaign, the models and the fleet, with the stall alert alerting on no data', () => {
    const files = renderAll();
    for (const uid of ['eve-lab-overview', 'eve-campaign', 'eve-models', 'eve-fleet-health']) expect(files.has(`dashboards/${uid}.json`)).toBe(true);
    const alert = files.get('provisioning/alerting/eve-telemetry.yaml')!;
    expect(alert).toMatch(/noDataState: Alerting/);
    expect(alert).toMatch(/execErrState: Alerting/);
  });

  it('give every panel query a named column for each value it reads', () => {
    const qs = panelQueries();
    expect(qs.length).toBeGreaterThan(20);
    for (const q of qs) {
      expect(q.expects.length, q.panel).toBeGreaterThan(0);
      for (const c of q.expects) expect(q.influxql, q.panel).toContain(`AS "${c}"`);
    }
  });
});
