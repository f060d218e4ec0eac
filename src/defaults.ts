// Defaults more than one command or module uses, declared once.
import { join } from 'node:path';

/** How far below the model it is tested against a cheaper model may be, in percentage points. */
export const TOLERANCE_PP = 3;

/** tierbench's own state under the working directory: run journals and the response cache. */
export const STATE_DIR = '.tierbench';

/** The response cache's folder, beside the run journals. */
export const CACHE_DIR = join(STATE_DIR, 'cache');

/** How long a cached answer stays valid, as written on the command line. */
export const CACHE_TTL = '30d';

/** Output token limits when --max-tokens is not given: room for thinking where a model reasons. */
export const DEFAULT_MAX_TOKENS = 1024;
export const REASONING_MAX_TOKENS = 16_000;

/** Retries per call the SDKs make (run --max-retries, and the demo). */
export const MAX_RETRIES = 2;

/**
 * A scorer of the user's: seconds per answer before it is failing (a command is killed), and
 * answers scored at once by a module (a command gets one per CPU core: it is a process each).
 */
export const SCORER_TIMEOUT_S = 30;
export const MODULE_SCORER_CONCURRENCY = 8;

/** --batch-poll: seconds between asking a batch how far it is (batches take minutes to hours; every poll is a request). */
export const BATCH_POLL_S = 30;

/**
 * `--sequential`: looks at the cases when --looks is not given (at 25, 50, 75 and 100 %), and the
 * seed of the order the cases run in — fixed, so the same file is run in the same order (a
 * rerun, a resume), and unrelated to how the file is sorted.
 */
export const SEQUENTIAL_LOOKS = 4;
export const SEQUENTIAL_SEED = 20261126;
