/**
 * Adam (Kingma & Ba 2015) for REINFORCE's controller, with its moments as plain arrays so that
 * the strategy's snapshot stays synchronous JSON (tfjs's own optimiser only exports its state
 * asynchronously). Each parameter moves by about the learning rate whatever its gradient's scale,
 * which plain SGD on a 19-decision log-probability does not.
 */
import * as tf from '@tensorflow/tfjs';
import { EveError } from '@eve-bench/device-agent';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export interface AdamState {
  t: number;
  m: Record<string, number[]>;
  v: Record<string, number[]>;
}

export class AdamMoments {
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(private readonly sizes: Readonly<Record<string, readonly number[]>>) {
    for (const [name, shape] of Object.entries(sizes)) {
      this.m.set(name, tf.variable(tf.zeros(shape as number[]), false));
      this.v.set(name, tf.variable(tf.zeros(shape as number[]), false));
    }
  }

  /** The update for one parameter at the current step (call `tick` once per step first). */
  delta(name: string, grad: tf.Tensor, learningRate: number): tf.Tensor {
    const m = this.m.get(name)!, v = this.v.get(name)!;
    m.assign(tf.add(tf.mul(BETA1, m), tf.mul(1 - BETA1, grad)));
    v.assign(tf.add(tf.mul(BETA2, v), tf.mul(1 - BETA2, tf.square(grad))));
    const rate = learningRate * Math.sqrt(1 - BETA2 ** this.t) / (1 - BETA1 ** this.t);
    return tf.mul(rate, tf.div(m, tf.add(tf.sqrt(v), EPSILON)));
  }

  tick(): void { this.t++; }

  toJSON(): AdamState {
    const dump = (x: Map<string, tf.Variable>) => Object.fromEntries([...x].map(([n, t]) => [n, Array.from(t.dataSync())]));
    return { t: this.t, m: dump(this.m), v: dump(this.v) };
  }

  restore(s: unknown): void {
    const st = s as AdamState;
    const fits = (x: unknown) => typeof x === 'object' && x !== null && Object.entries(this.sizes).every(([n, shape]) => {
      const a = (x as Record<string, unknown>)[n];
      return Array.isArray(a) && a.length === shape.reduce((p, d) => p * d, 1) && a.every(Number.isFinite);
    });
    if (typeof st !== 'object' || st === null || !(Number.isInteger(st.t) && st.t >= 0) || !fits(st.m) || !fits(st.v)) {
      throw new EveError('SNAPSHOT_INVALID', 'an Adam state needs a step count and both moments for every controller weight');
    }
    this.t = st.t;
    for (const [n, shape] of Object.entries(this.sizes)) {
      this.m.get(n)!.assign(tf.tensor(st.m[n]!, shape as number[]));
      this.v.get(n)!.assign(tf.tensor(st.v[n]!, shape as number[]));
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
  }
}
