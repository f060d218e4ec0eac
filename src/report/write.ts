// Files that cannot lie (issue 14): every output is written to a temporary file beside its
// destination, flushed to disk, and renamed into place, so a crash or a full disk never leaves a
// partial file over a valid one; every failure is a known error naming the path and the fix.
// Paths are checked before a run pays for anything (`checkWritable`).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EXIT, TierbenchError } from '../errors.js';

/** An output tierbench could not write: a bad path (exit 2) or a failed write (exit 3). */
export class OutputError extends TierbenchError {
  constructor(code: string, message: string, hint: string, exitCode: number) {
    super(code, message, hint, exitCode);
  }
}

/** What went wrong, in words, with the fix; `what` names the output and how it was given (`-o report.json`). */
export function outputError(what: string, path: string, err: unknown): OutputError {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  const bad = (reason: string, fix: string): OutputError => new OutputError('E_OUTPUT', `${what}: cannot write ${path}: ${reason}`, fix, EXIT.usage);
  switch (code) {
    case 'EISDIR': return bad('it is a folder', 'give a file path, e.g. reports/run.json');
    case 'ENOTFILE': return bad('it is not a regular file (a device, a pipe, a socket)', 'give the path of a regular file');
    case 'ENOTDIR': case 'EEXIST': return bad('a part of the path is a file, not a folder', 'give a path whose folders exist or can be created');
    case 'EACCES': case 'EPERM': return bad('permission denied', 'choose a folder you can write to, or change its permissions');
    case 'EROFS': return bad('the file system is read-only', 'choose a folder on a writable disk');
    case 'ENAMETOOLONG': return bad('the name is too long', 'give a shorter path');
    case 'ENOSPC': case 'EDQUOT':
      return new OutputError('E_OUTPUT', `${what}: cannot write ${path}: the disk is full`, 'free some space, then rerun with --resume (nothing paid for is lost: the run journal is kept)', EXIT.runFailed);
    default:
      return new OutputError('E_OUTPUT', `${what}: cannot write ${path}: ${(err as Error | null)?.message ?? String(err)}`, 'check the disk and the path, then rerun with --resume (the run journal is kept)', EXIT.runFailed);
  }
}

/**
 * Before any call: the folder exists or can be made, and a file can be created in it. Throws the
 * OutputError the write would have, so a bad path costs nothing.
 */
export async function checkWritable(what: string, path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await regularOrAbsent(path);
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.probe`);
    const handle = await open(probe, 'wx');
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    throw outputError(what, path, err);
  }
}

/** Only a regular file is ever replaced: renaming over /dev/full or a folder would replace the node itself. */
async function regularOrAbsent(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined || found.isFile()) return;
  throw Object.assign(new Error('not a regular file'), { code: found.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
}

/** Writes `chunks` to `path` through a temporary file, fsynced, then renamed over it. */
export async function writeAtomic(what: string, path: string, chunks: Iterable<string>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await regularOrAbsent(path);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      // Batches of up to 64 KB, each written whole before the next is built.
      for (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw outputError(what, path, err);
  }
}
