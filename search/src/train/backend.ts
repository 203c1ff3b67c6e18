/**
 * TensorFlow.js on the WASM backend (tfjs-node cannot be installed on these machines: it
 * downloads a prebuilt binary). In Node the backend must be told where its .wasm files are.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export async function initWasmBackend(): Promise<typeof tf> {
  if (tf.getBackend() !== 'wasm') {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${dirname(entry)}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the WASM backend failed to initialise');
    await tf.ready();
  }
  return tf;
}
