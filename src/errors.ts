// Known errors carry a code and a hint and print as one line without a stack; only cli/main.ts
// turns them into exit codes. Anything else is a bug and keeps its stack.

export const EXIT = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  runFailed: 3,
  interrupted: 130,
} as const;

export class TierbenchError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag, argument or config value the user got wrong. */
export class UsageError extends TierbenchError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, hint, EXIT.usage);
  }
}

/** A data file that cannot be read as test cases. `where` is `file:line` or a file name. */
export class DataError extends TierbenchError {
  constructor(code: string, where: string, message: string, hint: string) {
    super(code, `${where}: ${message}`, hint, EXIT.usage);
  }
}

/** The run could not produce a result (every call failed, the emulator could not start, …). */
export class RunError extends TierbenchError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, hint, EXIT.runFailed);
  }
}

export function formatError(err: TierbenchError): string {
  return `error: ${err.message} — ${err.hint}`;
}

/** Plain-language closest match, for "did you mean" hints. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const option of options) {
    const d = editDistance(word.toLowerCase(), option.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = option;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
