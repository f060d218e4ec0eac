// Files that cannot lie (issue 14): every output is written to a temporary file beside its
// destination, flushed to disk, and renamed into place, so a crash or a full disk never leaves a
// partial file over a valid one; every failure is a known error naming the path and the fix.
// Paths are checked before a run pays for anything (`checkWritable`).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ErrorCode, EXIT, fileProblem, TierbenchError } from '../errors.js';
import { makeDir, processAlive } from '../files.js';

/** An output tierbench could not write: a bad path (exit 2) or a failed write (exit 3). */
export class OutputError extends TierbenchError {
  constructor(code: ErrorCode, message: string, hint: string, exitCode: number) {
    super(code, message, hint, exitCode);
  }
}

/** What went wrong, in words, with the fix; `what` names the output and how it was given (`-o report.json`). */
export function outputError(what: string, path: string, err: unknown): OutputError {
  const { reason, fix, usage } = fileProblem(err);
  return new OutputError('E_OUTPUT', `${what}: cannot write ${path}: ${reason}`, fix, usage ? EXIT.usage : EXIT.runFailed);
}

/**
 * Before any call: the folder exists or can be made, and a file can be created in it. Throws the
 * OutputError the write would have, so a bad path costs nothing.
 */
export async function checkWritable(what: string, path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await regularOrAbsent(path);
    makeDir(dir);
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

/**
 * Writes `chunks` to `path` through a temporary file, fsynced, then renamed over it. The temporary
 * file's name holds the writer's pid: one left by a writer that was killed is removed.
 */
export async function writeAtomic(what: string, path: string, chunks: Iterable<string>): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const temp = join(dirname(path), `${prefix}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await regularOrAbsent(path);
    makeDir(dirname(path));
    for (const name of await readdir(dirname(path))) {
      const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length).split('.')[0]) : NaN;
      if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await rm(join(dirname(path), name), { force: true });
    }
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
