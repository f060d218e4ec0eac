// How a command ended, and the one function that turns that into an exit code: 0 ok, 1 a gate
// failed, 2 usage/config/data (a TierbenchError says so), 3 the run failed, 130 interrupted.
import { CommanderError } from 'commander';
import { EXIT, RunError, TierbenchError } from '../errors.js';
import { money } from '../format.js';
import type { Out, RunOutcome } from '../pipeline/plan.js';

export type Ending = 'ok' | 'gate-failed' | 'usage' | 'run-failed' | 'interrupted';

const CODES: Record<Ending, number> = {
  ok: EXIT.ok,
  'gate-failed': EXIT.gateFailed,
  usage: EXIT.usage,
  'run-failed': EXIT.runFailed,
  interrupted: EXIT.interrupted,
};

/**
 * A command's ending, or what it threw: a known error carries its code, commander's own (help,
 * --version: 0; a flag it refused: 2) theirs; anything else is a bug (3).
 */
export function exitCode(end: Ending | { thrown: unknown }): number {
  if (typeof end === 'string') return CODES[end];
  const err = end.thrown;
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return err instanceof TierbenchError ? err.exitCode : EXIT.runFailed;
}

/**
 * How a run ended, said on stderr: where it stopped and how to continue. A run in which no model
 * answered any case is an error (its report is written).
 */
export function runEnding({ report, reportPath, stop, stoppedModels }: RunOutcome, stderr: Out): Ending {
  const id = report.run.id;
  if (stop !== undefined) {
    const why =
      stop.reason === 'budget'
        ? `stopped at the budget: ${money(stop.spent)} spent of ${money(report.settings.maxCost ?? 0)}`
        : stop.reason === 'disk'
          ? `error: stopped: ${stop.journalProblem} (the answers paid are in the report) — free some space`
          : 'interrupted';
    stderr.write(
      `${why}; ${stop.calls.toLocaleString('en-US')} of ${stop.planned.toLocaleString('en-US')} calls done. Continue with: tierbench run --resume ${id}${stop.reason === 'budget' ? ' --max-cost <more>' : ''}\n`,
    );
    return stop.reason === 'interrupted' ? 'interrupted' : 'run-failed';
  }
  const noAnswer = report.summaries.every((s) => s.scored === 0);
  if (stoppedModels.length > 0) {
    // The paid answers are in the report and the journal: once the cause is fixed, the stopped
    // models' missing calls are made by --resume, nothing else.
    const resumeHint = `fix the cause, then \`tierbench run --resume ${id}\` makes only the missing calls`;
    if (noAnswer)
      throw new RunError(
        'E_RUN_FAILED',
        `no model answered any case (report written to ${reportPath}): ${report.notes.find((n) => n.includes('stopped after')) ?? ''}`,
        resumeHint,
      );
    stderr.write(`${stoppedModels.join(', ')} stopped early (see the notes): exit 3; ${resumeHint}\n`);
    return 'run-failed';
  }
  if (noAnswer)
    throw new RunError(
      'E_RUN_FAILED',
      `no model answered any case (report written to ${reportPath})`,
      report.notes[0] ?? 'see the errors column of the report',
    );
  return report.gate?.passed === false ? 'gate-failed' : 'ok';
}
