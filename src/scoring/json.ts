// Structured extraction: the share of the expected fields the answer got right, in [0, 1].
// The answer's JSON may sit in a ```json fence or among prose; extra fields are not penalised.

export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  try {
    return JSON.parse(body);
  } catch {
    const start = body.search(/[{[]/);
    const end = Math.max(body.lastIndexOf('}'), body.lastIndexOf(']'));
    if (start === -1 || end <= start) return undefined;
    try {
      return JSON.parse(body.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}

/** [matched leaves, total leaves] of `expected` found equal at the same path in `actual`. */
function compare(expected: unknown, actual: unknown): [number, number] {
  if (expected !== null && typeof expected === 'object') {
    const entries = Array.isArray(expected) ? expected.map((v, i) => [String(i), v] as const) : Object.entries(expected);
    if (entries.length === 0) return [JSON.stringify(expected) === JSON.stringify(actual) ? 1 : 0, 1];
    const other = actual !== null && typeof actual === 'object' && Array.isArray(actual) === Array.isArray(expected) ? (actual as Record<string, unknown>) : {};
    let hit = 0;
    let total = 0;
    for (const [key, value] of entries) {
      const [h, t] = compare(value, other[key]);
      hit += h;
      total += t;
    }
    return [hit, total];
  }
  const same = typeof expected === 'string' && typeof actual === 'string' ? expected.trim().toLowerCase() === actual.trim().toLowerCase() : expected === actual;
  return [same ? 1 : 0, 1];
}

export function json(output: string, expected: string): number {
  const want = extractJson(expected);
  if (want === undefined) return 0;
  const [hit, total] = compare(want, extractJson(output));
  return total === 0 ? 0 : hit / total;
}
