// `tierbench plan`: how many cases a decision needs, from an assumed discordance or a pilot report.
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { casesForNonInferiority, casesToDetect, simulatedCasesForNonInferiority } from '../analysis/samplesize.js';
import { UsageError } from '../errors.js';
import { ppDelta } from '../format.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

export interface PlanFlags {
  tolerance: number;
  from?: string;
  discordance?: number;
  delta: number;
  power: number;
}

const count = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'never (Δ ≤ −tolerance)');

export async function planCommand(flags: PlanFlags, io: Io): Promise<number> {
  const margin = flags.tolerance / 100;
  const options = { alpha: 0.05, power: flags.power };
  const out = (s: string): void => void io.stdout.write(s + '\n');
  if (flags.from === undefined && flags.discordance === undefined) {
    throw new UsageError('E_PLAN', 'plan needs --from REPORT or --discordance D', 'run a pilot (tierbench run --limit 150 …) and pass its report with --from, or assume a discordance, e.g. --discordance 0.1');
  }
  if (flags.discordance !== undefined) {
    const d = flags.discordance;
    out(`Paired comparison, ${Math.round(flags.power * 100)} % power, discordance ${(d * 100).toFixed(1)} % (share of cases where the two models disagree):`);
    out(`  show a cheaper model within ${flags.tolerance} pp (true Δ ${ppDelta(flags.delta)}, one-sided α 5 %): ${count(simulatedCasesForNonInferiority(margin, d, flags.delta, options))} cases ` +
      `(simulating the rule tierbench applies; the normal approximation says ${count(casesForNonInferiority(margin, d, flags.delta, options))}, which falls short of the power)`);
    out(`  detect a ${flags.tolerance} pp difference (two-sided α 5 %): ${count(casesToDetect(margin, d, options))} cases`);
  }
  if (flags.from !== undefined) {
    const report = await readReport(resolve(io.cwd, flags.from), '--from ');
    const table = new Table({ head: ['Candidate', 'vs', 'n', 'Discordance', 'Δ observed', 'Cases if Δ as observed', 'Cases if Δ = 0', 'Verdict now'], style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    for (const c of report.recommendation.comparisons) {
      // Clusters inflate the variance of Δ, and the cases needed with it.
      const deff = c.designEffect ?? 1;
      const asObserved = simulatedCasesForNonInferiority(margin, c.discordance, c.delta, options) * deff;
      table.push([c.model, c.reference, String(c.n), `${(c.discordance * 100).toFixed(1)} %`, ppDelta(c.delta), count(Math.ceil(asObserved)), count(Math.ceil(simulatedCasesForNonInferiority(margin, c.discordance, 0, options) * deff)), c.verdict]);
    }
    out(`From ${flags.from} (${report.dataset.cases} cases), tolerance ${flags.tolerance} pp, ${Math.round(flags.power * 100)} % power, by simulating the rule tierbench applies:`);
    out(report.recommendation.comparisons.length === 0 ? '  no cheaper model was compared in that run' : table.toString());
    out('Run that many cases (or more) and decide once: stopping when a result looks clear inflates the error rate.');
  }
  return 0;
}
