// Known errors carry a code and a hint and print as one line without a stack; only cli/main.ts
// turns them into exit codes. Anything else is a bug and keeps its stack.

export const EXIT = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  runFailed: 3,
  interrupted: 130,
} as const;

// Each class names itself in a string: a bundler may rename a class, and its name is what a stack shows.
/**
 * Every known error's code: part of the interface (scripts match on them), so a new one is added
 * here, and a misspelt one does not compile.
 */
export type ErrorCode =
  | 'E_BASELINE'
  | 'E_BATCH'
  | 'E_BUDGET'
  | 'E_CASCADE'
  | 'E_CONFIG'
  | 'E_CSV'
  | 'E_DUP_MODEL'
  | 'E_EMPTY'
  | 'E_ENCODING'
  | 'E_EXPECTED'
  | 'E_FLAGS'
  | 'E_FOLLOW_UP'
  | 'E_GATE'
  | 'E_HEADER'
  | 'E_HOST'
  | 'E_HUMAN_GRADES'
  | 'E_IMAGE'
  | 'E_INIT'
  | 'E_JSON'
  | 'E_JSONL'
  | 'E_JSON_DEPTH'
  | 'E_JSON_ROW'
  | 'E_JUDGE'
  | 'E_LOCKED'
  | 'E_MESSAGES'
  | 'E_NOT_FILE'
  | 'E_NO_COLUMN'
  | 'E_NO_EXPECTED'
  | 'E_NO_FILE'
  | 'E_NO_INPUT'
  | 'E_NO_KEY'
  | 'E_NO_MODELS'
  | 'E_NO_ROWS'
  | 'E_NO_VALUE'
  | 'E_OUTPUT'
  | 'E_PLAN'
  | 'E_PORT'
  | 'E_PRICE_SOURCE'
  | 'E_PROFILES'
  | 'E_PROMPT_MESSAGES'
  | 'E_REASONING'
  | 'E_REFERENCE'
  | 'E_REPORT'
  | 'E_REPORT_FORMAT'
  | 'E_RESUME'
  | 'E_RETIRED'
  | 'E_ROW_WIDTH'
  | 'E_RUBRIC'
  | 'E_RUN_FAILED'
  | 'E_SAME_COLUMN'
  | 'E_SCHEMA'
  | 'E_SCORER'
  | 'E_EMBEDDING'
  | 'E_SCORE_FAILED'
  | 'E_EXPECT_REFUSAL'
  | 'E_SHARD'
  | 'E_MERGE'
  | 'E_SUITE'
  | 'E_TEMPLATE_VAR'
  | 'E_TOO_BIG'
  | 'E_TOOLS'
  | 'E_UNKNOWN_ENDPOINT'
  | 'E_UNKNOWN_MODEL'
  | 'E_UNPRICED'
  | 'E_USAGE'
  | 'E_VOLUME';

export class TierbenchError extends Error {
  override name = 'TierbenchError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A flag, argument or config value the user got wrong. */
export class UsageError extends TierbenchError {
  override name = 'UsageError';

  constructor(code: ErrorCode, message: string, hint: string) {
    super(code, message, hint, EXIT.usage);
  }
}

/** A data file that cannot be read as test cases. `where` is `file:line` or a file name. */
export class DataError extends TierbenchError {
  override name = 'DataError';

  constructor(code: ErrorCode, where: string, message: string, hint: string) {
    super(code, `${where}: ${message}`, hint, EXIT.usage);
  }
}

/** The run could not produce a result (every call failed, the emulator could not start, …). */
export class RunError extends TierbenchError {
  override name = 'RunError';

  constructor(code: ErrorCode, message: string, hint: string) {
    super(code, message, hint, EXIT.runFailed);
  }
}

/**
 * A file-system error in words, with the usual fix; `usage` when the path is to blame (exit 2),
 * not the disk (a full disk, an I/O error: exit 3).
 */
export function fileProblem(err: unknown): { reason: string; fix: string; usage: boolean } {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  switch (code) {
    case 'EISDIR':
      return { reason: 'it is a folder', fix: 'give a file path, e.g. reports/run.json', usage: true };
    case 'ENOTFILE':
      return { reason: 'it is not a regular file (a device, a pipe, a socket)', fix: 'give the path of a regular file', usage: true };
    case 'ENOTDIR':
    case 'EEXIST':
      return { reason: 'a part of the path is a file, not a folder', fix: 'give a path whose folders exist or can be created', usage: true };
    case 'EACCES':
    case 'EPERM':
      return { reason: 'permission denied', fix: 'choose a folder you can write to, or change its permissions', usage: true };
    case 'EROFS':
      return { reason: 'the file system is read-only', fix: 'choose a folder on a writable disk', usage: true };
    // A folder that exists but takes no new file (/proc, /sys): mkdir succeeded, open did not.
    case 'ENOENT':
      return { reason: 'no file can be created there', fix: 'choose a folder on a normal disk, e.g. reports/', usage: true };
    case 'ENAMETOOLONG':
      return { reason: 'the name is too long', fix: 'give a shorter path', usage: true };
    case 'ENOSPC':
    case 'EDQUOT':
      return { reason: 'the disk is full', fix: 'free some space', usage: false };
    default:
      return { reason: (err as Error | null)?.message ?? String(err), fix: 'check the disk and the path', usage: false };
  }
}

/** Text made safe to print on one line: control characters (terminal escapes) shown, not sent. */
export const printable = (text: string): string =>
  text.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));

/** One line, whatever the message quotes (a file's text in a JSON error, a server's words). */
export function formatError(err: TierbenchError): string {
  return printable(`error: ${err.message} — ${err.hint}`);
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
