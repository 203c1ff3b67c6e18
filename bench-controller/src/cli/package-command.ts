import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EveError, readPackage, type EvePackage } from '@eve-bench/device-agent';

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
      lines.push(`${String(i).padEnd(5)}  dense    ${l.format.padEnd(15)}  ${`${l.outFeatures}x${l.inFeatures}`.padEnd(11)}  ${l.values.length}`);
    } else if (l.kind === 'conv2d') {
      lines.push(`${String(i).padEnd(5)}  conv2d   ${l.format.padEnd(15)}  ${`${l.kernelH}x${l.kernelW}x${l.input[2]}->${l.outFeatures}`.padEnd(11)}  ${l.values.length}`);
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
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (e) {
        throw new EveError('PKG_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
      process.stdout.write(describePackage(readPackage(bytes), file) + '\n');
    });
}
