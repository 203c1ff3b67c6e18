import { describe, expect, it } from 'vitest';
import { parseFaultPlan } from './faults.js';

describe('parseFaultPlan (the eve lab up --fault syntax)', () => {
  it('reads every fault', () => {
    expect(parseFaultPlan('brownout-at-byte=4096,hang-after=20,boot-ms=500,brownout-at-inference=3')).toEqual({
      brownOutAtDeployByte: 4096, hangAfterRequests: 20, bootMs: 500, brownOutAtInference: 3,
    });
    expect(parseFaultPlan('')).toEqual({});
  });

  it('refuses unknown names and non-integers with a typed error naming the choices', () => {
    for (const bad of ['explode=1', 'hang-after', 'hang-after=-1', 'boot-ms=1.5', 'boot-ms=1=2', 'hang-after=x']) {
      expect(() => parseFaultPlan(bad), bad).toThrow(expect.objectContaining({ code: 'FAULT_PLAN', message: expect.stringContaining('hang-after=<integer>') }));
    }
  });
});
