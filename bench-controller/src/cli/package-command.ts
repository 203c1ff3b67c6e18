import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EveError, generateC, quantize, readPackage, writePackage, type EvePackage } from '@eve-bench/device-agent';
import { loadMnist } from '@eve-bench/search';

async function readPackageFile(file: string): Promise<EvePackage> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new EveError('PKG_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return readPackage(bytes);
}

/**
 * An int8 package for the C export: the package itself when it is int8, else the float32 package
 * quantized with the first `count` MNIST training images as calibration (MNIST-shaped inputs only).
 */
async function int8Package(pkg: EvePackage, count: number): Promise<{ pkg: EvePackage; quantized: boolean }> {
  if (pkg.dtype === 'int8') return { pkg, quantized: false };
  if (pkg.input[0] * pkg.input[1] * pkg.input[2] !== 784) {
    throw new EveError('EXPORT_C_CALIBRATION', `'${pkg.name}' is float32 with a ${pkg.input.join('x')} input: quantize it with calibration inputs of its own (quantize() in device-agent) and export the int8 package`);
  }
  const data = await loadMnist({ trainCount: count, valCount: 0, testCount: 0, seed: 1 });
  const images = Array.from({ length: count }, (_, i) => data.train.images.subarray(i * 784, (i + 1) * 784));
  return { pkg: readPackage(writePackage(quantize(pkg, images))), quantized: true };
}

/** A human summary of a validated package: modes, layers, and where the bytes go. */
export function describePackage(pkg: EvePackage, file: string): string {
  const lines = [
    `${file}: .eve v${pkg.version} '${pkg.name}', ${pkg.dtype}, input ${pkg.input.join('x')}, ${pkg.outputs} outputs`,
    `bytes: ${pkg.stats.packageBytes} in all, ${pkg.stats.weightRegionBytes} in the shared weight region`,
    '',
    'mode  name              kept weights  sparsity',
    ...pkg.modes.map((m, k) => `${String(k).padEnd(4)}  ${m.name.padEnd(16)}  ${String(m.keptWeights).padStart(12)}  ${(m.sparsity * 100).toFixed(1).padStart(6)} %`),
    '',
    'layer  kind     format           shape        stored weights',
  ];
  pkg.layers.forEach((l, i) => {
    if (l.kind === 'dense') {
      lines.push(`${String(i).padEnd(5)}  dense    ${l.format.padEnd(15)}  ${`${l.outFeatures}x${l.inFeatures}`.padEnd(11)}  ${(l.int8?.values ?? l.values).length}`);
    } else if (l.kind === 'conv2d') {
      lines.push(`${String(i).padEnd(5)}  conv2d   ${l.format.padEnd(15)}  ${`${l.kernelH}x${l.kernelW}x${l.input[2]}->${l.outFeatures}`.padEnd(11)}  ${(l.int8?.values ?? l.values).length}`);
    } else if (l.kind === 'maxpool') {
      lines.push(`${String(i).padEnd(5)}  maxpool  ${String(l.size).padEnd(15)}  ${l.output.join('x')}`);
    } else {
      lines.push(`${String(i).padEnd(5)}  ${l.kind}`);
    }
  });
  return lines.join('\n');
}

export function registerPackage(program: Command): void {
  const pkgCmd = program.command('package').description('work with .eve model packages');
  pkgCmd
    .command('inspect <file>')
    .description('validate a package and print its modes, layers and sizes')
    .action(async (file: string) => {
      process.stdout.write(describePackage(await readPackageFile(file), file) + '\n');
    });
  pkgCmd
    .command('export-c <file>')
    .description('write C99 sources for an MCU (int8 unless --float32; no allocation): eve_model.h/.c and a host harness')
    .requiredOption('--out <dir>', 'directory for the sources')
    .option('--calibration <n>', 'float32 packages: quantize with this many MNIST training images', '256')
    .option('--float32', 'export a float32 package as float32 C (for parts with an FPU) instead of quantizing it')
    .action(async (file: string, o: { out: string; calibration: string; float32?: boolean }) => {
      const count = Number(o.calibration);
      if (!Number.isInteger(count) || count < 1 || count > 60_000) throw new EveError('CLI_ARGUMENT', `--calibration must be an integer in 1..60000, got '${o.calibration}'`);
      const source = await readPackageFile(file);
      const { pkg, quantized } = o.float32 ? { pkg: source, quantized: false } : await int8Package(source, count);
      await mkdir(o.out, { recursive: true });
      const sources = generateC(pkg);
      for (const [name, text] of Object.entries(sources)) await writeFile(join(o.out, name), text);
      if (quantized) await writeFile(join(o.out, 'model.int8.eve'), pkg.buffer);
      const files = [...Object.keys(sources), ...(quantized ? ['model.int8.eve'] : [])];
      process.stdout.write(`${quantized ? `quantized '${pkg.name}' to int8 with ${count} MNIST images; ` : ''}wrote ${files.join(', ')} to ${o.out}\n`);
      process.stdout.write(`build: gcc -std=c99 -Wall -Werror -O2 -o eve_host eve_model.c eve_host_main.c\n`);
    });
}
