// Which of the loaded cases a run uses: `--sample N --seed S` (a seeded sample, stratified by
// category) and `--shard i/n` (a CI job's slice). Pure: the same cases, seed and shard give the
// same selection on any machine. Both rank cases by a hash of their id, not by row position or a
// random stream, so adding rows to the file moves few cases in or out (docs/decisions/sharding.md).
import { createHash } from 'node:crypto';
import type { Case } from '../types.js';

export interface Sample {
  size: number;
  seed: string;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** A uniform 48-bit rank of a string: the first six bytes of its SHA-256. */
const rank = (text: string): number => createHash('sha256').update(text).digest().readUIntBE(0, 6);

/** The cases of no category form a stratum of their own, named apart from any value a column can hold. */
const NO_CATEGORY = '\u0000';

/**
 * How many cases each stratum gives: in proportion to its size, by the largest-remainder method
 * (ties: the larger stratum, then the seed's rank). When `size` reaches the number of strata, a
 * stratum left with none takes one from the stratum given most; below it, the largest strata get
 * one each and the others none.
 */
export function allocate(sizes: ReadonlyMap<string, number>, size: number, seed: string): Map<string, number> {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  if (size >= total) return new Map(sizes);
  const shares = [...sizes].map(([k, n]) => {
    const exact = (size * n) / total;
    return { k, n, base: Math.floor(exact), rest: exact - Math.floor(exact), tie: rank(`${seed}\u0000category\u0000${k}`) };
  });
  let given = shares.reduce((a, s) => a + s.base, 0);
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || b.n - a.n || a.tie - b.tie)) {
    if (given === size) break;
    s.base++;
    given++;
  }
  if (size >= shares.length) {
    for (const empty of shares.filter((s) => s.base === 0)) {
      const most = shares.reduce((a, b) => (b.base > a.base || (b.base === a.base && b.tie < a.tie) ? b : a));
      most.base--;
      empty.base++;
    }
  }
  return new Map(shares.map((s) => [s.k, s.base]));
}

/** The sample, in file order, and per category how many of how many were taken (categories with none included). */
export function sampleCases(
  cases: readonly Case[],
  { size, seed }: Sample,
): { cases: Case[]; strata: Array<{ category?: string; taken: number; of: number }> } {
  const strata = new Map<string, Case[]>();
  for (const c of cases) {
    const key = c.category ?? NO_CATEGORY;
    const list = strata.get(key);
    if (list === undefined) strata.set(key, [c]);
    else list.push(c);
  }
  const quota = allocate(new Map([...strata].map(([k, list]) => [k, list.length])), size, seed);
  const chosen = new Set<Case>();
  for (const [k, list] of strata) {
    const ranked = list.map((c) => ({ c, r: rank(`${seed}\u0000${c.id}`) })).sort((a, b) => a.r - b.r || a.c.index - b.c.index);
    for (const { c } of ranked.slice(0, quota.get(k) ?? 0)) chosen.add(c);
  }
  return {
    cases: reindex(cases.filter((c) => chosen.has(c))),
    strata: [...strata].map(([k, list]) => ({ ...(k !== NO_CATEGORY && { category: k }), taken: quota.get(k) ?? 0, of: list.length })),
  };
}

/** The shard of a case: by its id alone (not the seed, not its position), so every job of a matrix agrees. */
export const shardOf = (id: string, count: number): number => (rank(`shard\u0000${id}`) % count) + 1;

export function shardCases(cases: readonly Case[], { index, count }: Shard): Case[] {
  return reindex(cases.filter((c) => shardOf(c.id, count) === index));
}

/** `index` is the position among the cases the run uses: results are keyed by it. */
const reindex = (cases: readonly Case[]): Case[] => cases.map((c, index) => (c.index === index ? c : { ...c, index }));

/** `--shard i/n`, checked: 1 ≤ i ≤ n. Undefined when the text is not of that form. */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}
