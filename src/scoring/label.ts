// Verbose answers name their label among other words: "The category is Billing." → Billing.
// An answer that names no label, or two different ones, is wrong: the grader cannot tell which
// one the model meant, and neither could a router acting on it.
import { normalize } from './normalize.js';

export function makeLabel(labels: readonly string[]): (output: string, expected: string) => number {
  // Longest first, so "account security" wins over "account" where both fit.
  const known = [...new Set(labels.map(normalize))].filter((l) => l !== '').sort((a, b) => b.length - a.length);
  return (output, expected) => {
    const found = findLabels(normalize(output), known);
    return found.length === 1 && found[0] === normalize(expected) ? 1 : 0;
  };
}

/** Labels named in a normalised text, as whole words, ignoring ones inside a longer match. */
export function findLabels(text: string, labels: readonly string[]): string[] {
  const padded = ` ${text} `;
  const taken: Array<[number, number]> = [];
  const found: string[] = [];
  for (const label of labels) {
    const needle = ` ${label} `;
    for (let at = padded.indexOf(needle); at !== -1; at = padded.indexOf(needle, at + 1)) {
      const start = at + 1;
      const end = start + label.length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      if (!found.includes(label)) found.push(label);
    }
  }
  return found;
}
