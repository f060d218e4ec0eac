// Files a user names as input (prompt and system files, a journal to resume, a report to gate or
// compare, the config file, emulator profiles) are read only when they are regular files: a FIFO
// would block the read for ever, a device like /dev/zero never ends.
import { stat } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** Resolves when `path` is a regular file; a usage error naming `what` otherwise. */
export async function regularFile(path: string, what: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) throw new UsageError('E_NO_FILE', `${what}: ${path}: file not found`, 'check the path');
  if (!found.isFile()) throw new UsageError('E_NOT_FILE', `${what}: ${path} is ${found.isDirectory() ? 'a folder' : 'not a regular file (a pipe, a device or a socket)'}`, 'give the path of a regular file');
}
