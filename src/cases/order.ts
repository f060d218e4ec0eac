// `--sequential` runs the cases in a shuffled order, the same for the same seed: its early looks see
// a random part of the data, not the top of a file sorted by category, date or difficulty.
import { rng } from '../stats/paired.js';
import type { Case } from '../types.js';

/** The cases in a seeded random order (Fisher–Yates), each `index` renumbered to its new place. */
export function shuffledCases(cases: readonly Case[], seed: number): Case[] {
  const random = rng(seed);
  const order = cases.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.map((c, index) => ({ ...c, index }));
}
