import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSearchConfig } from './search-config.js';

describe('eve search config', () => {
  it('accepts the README example and fills defaults', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const example = /## `eve search`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const c = parseSearchConfig(example, 'README');
    expect(c.network).toBe('lenet-5');
    expect(c.search.budget).toBe(200);
    expect(c.fineTune.batchSize).toBe(64);
    const min = parseSearchConfig('network: mlp-small\ndata: { source: mnist }\nsearch: { budget: 5 }\n', 'min.yaml');
    expect(min.search.strategy).toBe('evolution');
    expect(min.data).toMatchObject({ source: 'mnist', trainCount: 55_000 });
    const distilled = parseSearchConfig('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nsupernet: { distill: {} }\nfineTune: { epochs: 4, distill: { alpha: 0.5 }, gradual: { rampEpochs: 2 }, augment: { maxShift: 2 } }', 'd.yaml');
    expect(distilled.supernet.distill).toEqual({ temperature: 4, alpha: 0.7 });
    expect(distilled.fineTune).toMatchObject({ distill: { temperature: 4, alpha: 0.5 }, gradual: { rampEpochs: 2, maskEvery: 50 }, augment: { maxShift: 2 } });
  });

  it('names the field that is wrong, and resolves data paths against the config file', () => {
    const bad = (text: string) => () => parseSearchConfig(text, '/cfg/s.yaml');
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5, strategy: greedy }')).toThrow(/s\.yaml: search\.strategy/);
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nextra: 1')).toThrow(/\(top level\)|extra/);
    expect(bad('network: x\ndata: { source: ftp }\nsearch: { budget: 5 }')).toThrow(/data\.source/);
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nfineTune: { lossWeights: [1, 2] }')).toThrow(/2 weights for 3 modes/);
    expect(bad('network: [x')).toThrow(expect.objectContaining({ code: 'CONFIG_SYNTAX' }));
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nfineTune: { epochs: 2, gradual: { rampEpochs: 3 } }')).toThrow(/fineTune\.gradual\.rampEpochs/);
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nsupernet: { distill: { alpha: 2 } }')).toThrow(/supernet\.distill\.alpha/);
    expect(bad('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }\nfineTune: { augment: { maxShift: 1.5 } }')).toThrow(/fineTune\.augment\.maxShift/);
    const c = parseSearchConfig('network: x\ndata: { source: files, features: d/x.npy, labels: /abs/y.npy }\nsearch: { budget: 5 }', '/cfg/s.yaml');
    expect(c.data).toMatchObject({ features: '/cfg/d/x.npy', labels: '/abs/y.npy' });
  });

  it('takes the full co-exploration space, its objective and the device budgets, and names a wrong policy parameter', () => {
    const c = parseSearchConfig([
      'network: lenet-300-100', 'data: { source: mnist }',
      'device: { profile: msp430fr5994, weightMemoryBytes: 200000, deadlineS: 0.5 }',
      'search:', '  budget: 50', '  strategy: reinforce', '  objective: harvest',
      '  space: { granularities: [unstructured, channel], kernels: [dense, sparse], numberFormats: [int8], policy: { reserveJ: [0.00001, 0.00004] } }',
    ].join('\n'), 's.yaml');
    expect(c.search).toMatchObject({ strategy: 'reinforce', objective: 'harvest', space: { granularities: ['unstructured', 'channel'], numberFormats: ['int8'], policy: { reserveJ: [1e-5, 4e-5] } }, harvest: { capacitanceF: 100e-6 } });
    expect(c.device).toMatchObject({ profile: 'msp430fr5994', weightMemoryBytes: 200000, deadlineS: 0.5 });
    expect(parseSearchConfig('network: x\ndata: { source: mnist }\nsearch: { budget: 5 }', 's.yaml').search.space).toEqual({ granularities: ['unstructured'], kernels: ['sparse'], numberFormats: ['float32'], policy: {} });
    const bad = (search: string) => () => parseSearchConfig(`network: x\ndata: { source: mnist }\nsearch: { budget: 5, ${search} }`, 's.yaml');
    expect(bad('space: { policy: { patience: [1] } }')).toThrow(/s\.yaml: search\.space\.policy\.patience: not a mode-policy parameter/);
    expect(bad('space: { granularities: [diagonal] }')).toThrow(/search\.space\.granularities/);
    expect(bad('objective: accuracy')).toThrow(/search\.objective/);
  });

  it('takes optional sparsity floors, one per mode and non-decreasing, and per-layer sparsity caps', () => {
    const parse = (search: string) => parseSearchConfig(`network: x\ndata: { source: mnist }\nsearch: { budget: 5, ${search} }`, 's.yaml');
    expect(parse('modes: 3').search.sparsityFloors).toBeUndefined();
    expect(parse('sparsityFloors: [0.5, 0.8, 0.92]').search.sparsityFloors).toEqual([0.5, 0.8, 0.92]);
    expect(() => parse('sparsityFloors: [0.5, 0.8]')).toThrow(/s\.yaml: search\.sparsityFloors: 2 floors for 3 modes/);
    expect(() => parse('sparsityFloors: [0.8, 0.5, 0.9]')).toThrow(/search\.sparsityFloors must not decrease/);
    expect(() => parse('sparsityFloors: [0.5, 0.8, 1]')).toThrow(/search\.sparsityFloors/);
    expect(parse('space: { sparsityCaps: [0.8, null, null, null, null] }').search.space.sparsityCaps).toEqual([0.8, null, null, null, null]);
    expect(() => parse('space: { sparsityCaps: [1.5] }')).toThrow(/search\.space\.sparsityCaps/);
  });
});
