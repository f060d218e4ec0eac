// The file system at the edges. Files a user names as input (prompt and system files, a journal to
// resume, a report to gate or compare, the config file, emulator profiles) are read only when they
// are regular files: a FIFO would block the read for ever, a device like /dev/zero never ends.
// Folders tierbench makes fail with their real cause.
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { STATE_DIR } from './defaults.js';
import { UsageError } from './errors.js';

/** Files read whole (a config, a prompt, emulator profiles): a few kilobytes in practice. */
const SMALL_FILE = 16 * 2 ** 20;
/** Reports are read whole into one string, which V8 caps at about 512 MB. */
export const REPORT_FILE = 512 * 2 ** 20;

/** Resolves when `path` is a regular file of at most `maxBytes`; a usage error naming `what` otherwise. */
export async function regularFile(path: string, what: string, maxBytes = SMALL_FILE): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) throw new UsageError('E_NO_FILE', `${what}: ${path}: file not found`, 'check the path');
  if (!found.isFile())
    throw new UsageError(
      'E_NOT_FILE',
      `${what}: ${path} is ${found.isDirectory() ? 'a folder' : 'not a regular file (a pipe, a device or a socket)'}`,
      'give the path of a regular file',
    );
  if (found.size > maxBytes)
    throw new UsageError('E_TOO_BIG', `${what}: ${path} is ${mb(found.size)}, over the ${mb(maxBytes)} this file may be`, 'check that it is the right file');
}

const mb = (bytes: number): string => `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MB`;

/**
 * `mkdir -p`. Node's recursive mkdir says ENOENT on a read-only file system or under a folder it may
 * not write to: the nearest folder that exists is asked why (EROFS, EACCES).
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let existing = dir;
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    accessSync(existing, constants.W_OK);
    throw err;
  }
}

/** Whether the process that wrote a lock or temporary file still runs. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * tierbench's own state under the working directory (run journals, the response cache): a
 * `.gitignore` inside it keeps `git add .` from committing answers and journals. Best effort: a
 * folder that cannot be written fails where the journal is made, with its cause.
 */
export function ignoredStateDir(cwd: string): void {
  const dir = join(cwd, STATE_DIR);
  try {
    makeDir(dir);
    writeFileSync(join(dir, '.gitignore'), "# tierbench's own state: run journals and the response cache\n*\n", { flag: 'wx' });
  } catch {
    // Already there, or not writable: either way nothing to do here.
  }
}
