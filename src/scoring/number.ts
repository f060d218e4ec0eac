// The last number in the answer (as in GSM8K grading) against the expected number: "so the total is
// $1,234.50." → 1234.5. Thousands separators, currency signs and percent signs are ignored.
const NUMBER = /-?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?|-?\.\d+/g;

export function parseNumber(text: string): number | undefined {
  const matches = text.match(NUMBER);
  const last = matches?.[matches.length - 1];
  if (last === undefined) return undefined;
  const value = Number(last.replace(/,/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

export function number(output: string, expected: string): number {
  const want = parseNumber(expected);
  const got = parseNumber(output);
  if (want === undefined || got === undefined) return 0;
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)) ? 1 : 0;
}
