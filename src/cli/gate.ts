// `tierbench gate REPORT`: the gate on an existing report.
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { gateLines, hasRules, runGate } from '../gate/gate.js';
import type { Ending } from './exit.js';
import type { GateFlags } from './flags.js';
import { gateRules } from './gate-flags.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

export async function gateCommand(file: string, flags: GateFlags, io: Io): Promise<Ending> {
  const report = await readReport(resolve(io.cwd, file), '');
  const rules = await gateRules(
    flags,
    io,
    report.summaries.map((s) => s.model),
  );
  if (!hasRules(rules))
    throw new UsageError('E_GATE', 'gate needs at least one check', 'e.g. --min-accuracy 0.9, --max-p95-ms 3000, or --baseline reports/baseline.json');
  const result = runGate(report, rules);
  io.stdout.write(gateLines(result));
  return result.passed ? 'ok' : 'gate-failed';
}
