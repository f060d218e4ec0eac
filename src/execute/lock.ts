// One process per run: a lock file beside the run's journal, holding the owner's pid. Two
// `--resume` of one run at once would make (and pay for) every missing call twice. A lock whose
// process is gone (a crash, kill -9) is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, fileProblem, TierbenchError, UsageError } from '../errors.js';
import { makeDir, processAlive } from '../files.js';

/** Takes the lock at `path` for this process; returns its release. */
export function lockRun(path: string, runId: string): () => void {
  // The journal goes beside the lock: a folder that cannot hold it would lose every paid answer.
  const unusable = (err: unknown): TierbenchError => {
    const { reason, usage } = fileProblem(err);
    return new TierbenchError(
      'E_OUTPUT',
      `cannot write the run journal in ${dirname(path)}: ${reason}`,
      usage
        ? 'run tierbench from a folder you can write to (the journal and cache live in .tierbench/ there)'
        : 'free some space, then run again (nothing was paid for)',
      usage ? EXIT.usage : EXIT.runFailed,
    );
  };
  try {
    makeDir(dirname(path));
  } catch (err) {
    throw unusable(err);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(err);
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new UsageError(
          'E_LOCKED',
          `run ${runId} is already running (process ${owner})`,
          `wait for it to finish or stop it; if no such process is running tierbench, remove ${path}`,
        );
      }
      // Stale: its process is gone.
      rmSync(path, { force: true });
    }
  }
  throw new UsageError('E_LOCKED', `run ${runId}: could not take its lock ${path}`, 'another tierbench took it at the same moment: run again');
}
