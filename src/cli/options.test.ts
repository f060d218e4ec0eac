import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Option } from 'commander';
import * as flags from './flags.js';
import type { OptionTable } from './options.js';

/** The keys of T whose type is `any`. */
type AnyKeys<T> = { [K in keyof T]-?: 0 extends 1 & T[K] ? K : never }[keyof T];

// Compile-time: a flag whose type could not be derived from its definition fails the build.
const noAny: [AnyKeys<flags.RunFlags>, AnyKeys<flags.DemoFlags>, AnyKeys<flags.PlanFlags>, AnyKeys<flags.EmulateFlags>, AnyKeys<flags.ModelsFlags>] = [
  undefined as never,
  undefined as never,
  undefined as never,
  undefined as never,
  undefined as never,
];

describe('option tables', () => {
  it('each key is the name commander gives the value, so the derived type names what commander sets', () => {
    const {
      GATE_OPTIONS,
      RUN_OPTIONS,
      DEMO_OPTIONS,
      COMPARE_OPTIONS,
      PLAN_OPTIONS,
      MODELS_OPTIONS,
      CACHE_CLEAR_OPTIONS,
      CACHE_STATS_OPTIONS,
      EMULATE_OPTIONS,
    } = flags;
    const tables: Record<string, OptionTable> = {
      GATE_OPTIONS,
      RUN_OPTIONS,
      DEMO_OPTIONS,
      COMPARE_OPTIONS,
      PLAN_OPTIONS,
      MODELS_OPTIONS,
      CACHE_CLEAR_OPTIONS,
      CACHE_STATS_OPTIONS,
      EMULATE_OPTIONS,
    };
    for (const [table, options] of Object.entries(tables)) {
      for (const [key, def] of Object.entries(options)) assert.equal(new Option(def.flags, def.help).attributeName(), key, `${table}.${key}`);
    }
    assert.equal(noAny.length, 5);
  });
});
