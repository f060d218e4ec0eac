// Option value parsers: a bad value becomes commander's one-line "argument … is invalid" error;
// and the flag an option's name stands for.
import { InvalidArgumentError } from 'commander';
import { parseShard, type Shard } from '../cases/select.js';
import type { Threshold } from '../gate/gate.js';
import type { CacheTtl } from '../types.js';

/** The flag as the user wrote it: `maxTokens` → `--max-tokens`, `stream` → `--no-stream`. */
export const flagName = (name: string): string => {
  const words = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  // The flags that are only ever given to turn something off.
  return name === 'stream' || name === 'cache' || name === 'structuredOutput' ? `--no-${words}` : `--${words}`;
};

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return n;
}

export function cacheTtl(value: string): CacheTtl {
  if (value !== '5m' && value !== '1h') throw new InvalidArgumentError('expected 5m or 1h (the TTLs Anthropic caches a prompt prefix for).');
  return value;
}

export function shard(value: string): Shard {
  const parsed = parseShard(value);
  if (parsed === undefined) throw new InvalidArgumentError('expected i/n with 1 ≤ i ≤ n, e.g. 2/3.');
  return parsed;
}

/** `--looks`: 2 to 20 (one look is a run in one go; more than 20 spend the error in crumbs for little saving). */
export function lookCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 20) throw new InvalidArgumentError('expected a whole number from 2 to 20.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return n;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 1 to 65535, or 0 for any free port.');
  return n;
}

/** Seconds a Node timer can hold (2^31 − 1 ms, about 24.8 days): past that it fires at once. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n * 1000 > 2 ** 31 - 1) throw new InvalidArgumentError('expected seconds > 0 and at most 2147483 (about 24 days).');
  return n;
}

export function percentagePoints(value: string): number {
  const n = Number(value.replace(/\s*pp$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('expected percentage points between 0 and 100, e.g. 3.');
  return n;
}

export function temperature(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 2) throw new InvalidArgumentError('expected a number from 0 to 2.');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.1.');
  return n;
}

/** Percentage points, possibly negative, returned as a proportion. */
export function signedPp(value: string): number {
  const n = Number(value.replace(/\s*pp$/, ''));
  if (!Number.isFinite(n) || Math.abs(n) >= 100) throw new InvalidArgumentError('expected percentage points, e.g. -1.');
  return n / 100;
}

/** "30d", "12h", "45m", "90s" → ms. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration like 30d, 12h, 45m or 90s.');
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export function dollars(value: string): number {
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected an amount in USD greater than 0, e.g. 5.');
  return n;
}

/** "0.9", "90%", "haiku=0.9,sonnet=92%": a limit for all models and/or per model. */
export function threshold(unit: 'fraction' | 'number'): (value: string) => Threshold {
  const one = (text: string): number => {
    const t = text.trim().replace(/^\$/, '');
    const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
    if (!Number.isFinite(n) || n < 0 || (unit === 'fraction' && n > 1)) {
      throw new InvalidArgumentError(
        unit === 'fraction'
          ? 'expected a share like 0.9 or 90%, optionally per model: haiku=0.9,sonnet=95%.'
          : 'expected a number ≥ 0, optionally per model: haiku=2000,sonnet=4000.',
      );
    }
    return n;
  };
  return (value) => {
    const t: Threshold = { per: {} };
    for (const part of value.split(',')) {
      const eq = part.lastIndexOf('=');
      if (eq === -1) t.all = one(part);
      else t.per[part.slice(0, eq).trim()] = one(part.slice(eq + 1));
    }
    return t;
  };
}

export function failOnRule(value: string): 'shown' | 'significant' {
  if (value !== 'shown' && value !== 'significant') throw new InvalidArgumentError('expected shown or significant.');
  return value;
}
