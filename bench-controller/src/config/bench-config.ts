/**
 * The bench configuration file (YAML or JSON): where the instruments, boards and services are.
 * Validated once, at load, against this schema; every field is documented in README.md.
 * Anything left out runs on embedded defaults (virtual lab, in-process broker, SQLite in --out).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EveError } from '@eve-bench/device-agent';

export const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only (1-64 chars): it becomes an MQTT topic segment');
export const transportUrl = z.string().regex(/^(tcp|serial):\/\//, "a transport URL such as 'tcp://127.0.0.1:5555' or 'serial:///dev/ttyUSB0?baud=115200'");

export const channelLimits = z.object({
  maxVoltageV: z.number().positive().max(60),
  maxCurrentA: z.number().positive().max(10),
}).strict();

export const SupplyConfig = z.object({
  id,
  transport: transportUrl,
  /** Safety limits per channel number; a channel without limits cannot be driven. */
  limits: z.record(z.string().regex(/^[1-9]$/), channelLimits),
}).strict();

export const BoardConfig = z.object({
  id,
  transport: transportUrl,
  protocol: z.enum(['eve']).default('eve'),
  /** A device profile from device-agent's cost model, e.g. 'stm32l476-m4f'. */
  profile: z.string().min(1),
  supply: z.object({ id, channel: z.number().int().min(1).max(9) }).strict(),
}).strict();

export const MqttConfig = z.object({
  url: z.string().regex(/^(mqtt|mqtts|ws|wss):\/\//, "an MQTT URL such as 'mqtt://127.0.0.1:1883'"),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Path to a CA certificate (PEM) for mqtts:// brokers with a private CA. */
  caFile: z.string().optional(),
  /** 5 = MQTT 5 (default), 4 = MQTT 3.1.1 for older brokers. */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
}).strict();

export const BenchConfig = z.object({
  /** Name of this bench host; the MQTT topic segment `eve/v1/<bench>/...`. */
  bench: id.default('virtual-lab'),
  mqtt: MqttConfig.optional(),
  supplies: z.array(SupplyConfig).default([]),
  boards: z.array(BoardConfig).default([]),
}).strict().superRefine((c, ctx) => checkWiring(c, ctx));

/**
 * Every board must be wired to a supply that exists, on a channel that has safety limits.
 * Shared by the bench configuration and the fleet inventory (fleet/inventory.ts).
 */
export function checkWiring(
  c: { supplies: Array<{ id: string; limits: Record<string, unknown> }>; boards: Array<{ supply: { id: string; channel: number } }> },
  ctx: z.RefinementCtx,
): void {
  c.boards.forEach((b, i) => {
    const s = c.supplies.find((x) => x.id === b.supply.id);
    if (!s) {
      ctx.addIssue({ code: 'custom', path: ['boards', i, 'supply', 'id'], message: `no supply with id '${b.supply.id}'` });
    } else if (!s.limits[String(b.supply.channel)]) {
      ctx.addIssue({ code: 'custom', path: ['boards', i, 'supply', 'channel'], message: `supply '${s.id}' has no safety limits for channel ${b.supply.channel}` });
    }
  });
}

export type BenchConfig = z.infer<typeof BenchConfig>;
export type BoardConfig = z.infer<typeof BoardConfig>;
export type SupplyConfig = z.infer<typeof SupplyConfig>;

/** Parses and validates configuration text; errors name the file, the field path and the rule. */
export function parseBenchConfig(text: string, source: string): BenchConfig {
  return parseConfigText(BenchConfig, text, source);
}

/** YAML/JSON text through a zod schema; the first issue becomes a one-line CONFIG_INVALID. */
export function parseConfigText<T extends z.ZodType>(schema: T, text: string, source: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : parseYaml(text);
  } catch (e) {
    throw new EveError('CONFIG_SYNTAX', `${source}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const r = schema.safeParse(raw ?? {});
  if (!r.success) {
    const first = r.error.issues[0]!;
    const where = first.path.length ? first.path.join('.') : '(top level)';
    throw new EveError('CONFIG_INVALID', `${source}: ${where}: ${first.message}`);
  }
  return r.data;
}

/** Reads a configuration file; an unreadable file is a typed error naming it. */
export async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new EveError('CONFIG_UNREADABLE', `cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

export async function loadBenchConfig(path: string): Promise<BenchConfig> {
  return parseBenchConfig(await readConfigFile(path), path);
}
