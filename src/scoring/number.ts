// The number an answer gives against the expected number. Thousands separators, currency and
// percent signs are ignored; a Unicode minus (−) is a minus. Which number, when the answer holds
// several: the one it marks as the answer ("the answer is 408", "#### 408", \boxed{408}, "**408**"),
// else the last one outside parentheses ("408 (17 × 24)" is 408), else the last one (as in GSM8K
// grading: "17 × 24 = 408").
const NUMBER = /-?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?|-?\.\d+/g;
const MARKED = [/\\boxed\{\s*([^{}]*?)\s*\}/gi, /####\s*([^\n]*)/g, /\banswer\s*(?:is|:|=)\s*:?\s*([^\n]*)/gi, /\*\*([^*\n]+)\*\*/g];

/** Minus signs as typed by people and typesetters → "-"; a dash between two numbers is left (a range). */
const unifyMinus = (text: string): string =>
  text
    .replace(/[\u2212\uFE63\uFF0D]/g, '-')
    .replace(/(^|[^\d\s])(\s*)[\u2012\u2013](?=\s*\d)/g, '$1$2-')
    // -$5 is minus five dollars.
    .replace(/(^|[\s(])-\s*[$€£¥]/g, '$1-');

function numbers(text: string): number[] {
  return (text.match(NUMBER) ?? []).map((n) => Number(n.replace(/,/g, ''))).filter(Number.isFinite);
}

/** The number a text gives: see the top of the file. */
export function parseNumber(raw: string): number | undefined {
  const text = unifyMinus(raw);
  for (const marker of MARKED) {
    const found = [...text.matchAll(marker)].flatMap((m) => numbers(m[1] ?? '').slice(0, 1));
    if (found.length > 0) return found[found.length - 1];
  }
  const outside = numbers(text.replace(/\([^()]*\)|\[[^[\]]*\]/g, ' '));
  return outside[outside.length - 1] ?? numbers(text).at(-1);
}

export function number(output: string, expected: string): number {
  const want = parseNumber(expected);
  const got = parseNumber(output);
  if (want === undefined || got === undefined) return 0;
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)) ? 1 : 0;
}
