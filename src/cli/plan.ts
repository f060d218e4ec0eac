// `tierbench plan`: how many cases a decision needs, from an assumed discordance or a pilot report.
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { firstLookAlpha, followUpCases, secondLookAlpha } from '../analysis/looks.js';
import { UsageError } from '../errors.js';
import { ppDelta } from '../format.js';
import { candidateAlpha, DECISION_LEVEL } from '../recommend/decide.js';
import { casesForNonInferiority, casesToDetect, simulatedCasesForNonInferiority } from '../stats/samplesize.js';
import type { Ending } from './exit.js';
import type { PlanFlags } from './flags.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

const count = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'never (Δ ≤ −tolerance)');

export async function planCommand(flags: PlanFlags, io: Io): Promise<Ending> {
  const margin = flags.tolerance / 100;
  // A run is a first look: each of K cheaper models is tested at 4/5 of α/K (analysis/looks.ts).
  const options = (candidates: number): { alpha: number; level: number; power: number } => {
    const alpha = firstLookAlpha(candidateAlpha(DECISION_LEVEL, candidates));
    return { alpha, level: 1 - 2 * alpha, power: flags.power };
  };
  const out = (s: string): void => void io.stdout.write(`${s}\n`);
  if (flags.from === undefined && flags.discordance === undefined) {
    throw new UsageError(
      'E_PLAN',
      'plan needs --from REPORT or --discordance D',
      'run a pilot (tierbench run --limit 150 …) and pass its report with --from, or assume a discordance, e.g. --discordance 0.1',
    );
  }
  if (flags.discordance !== undefined) {
    const d = flags.discordance;
    out(`Paired comparison, ${Math.round(flags.power * 100)} % power, discordance ${(d * 100).toFixed(1)} % (share of cases where the two models disagree):`);
    out(
      `  show a cheaper model within ${flags.tolerance} pp (true Δ ${ppDelta(flags.delta)}, one cheaper model, tested at one-sided α 4 %: a first look's share of 5 %): ${count(simulatedCasesForNonInferiority(margin, d, flags.delta, options(1)))} cases ` +
        `(simulating the rule tierbench applies; the normal approximation says ${count(casesForNonInferiority(margin, d, flags.delta, options(1)))}, which falls short of the power)`,
    );
    out(`  detect a ${flags.tolerance} pp difference (two-sided α 5 %): ${count(casesToDetect(margin, d, { alpha: 0.05, power: flags.power }))} cases`);
  }
  if (flags.from !== undefined) {
    const report = await readReport(resolve(io.cwd, flags.from), '--from ');
    if (report.recommendation.look?.number === 2) {
      throw new UsageError(
        'E_PLAN',
        `--from ${flags.from}: that run was itself a follow-up, and a third look is not offered`,
        'plan a fresh benchmark with --discordance instead',
      );
    }
    if (report.sequential !== undefined) {
      throw new UsageError(
        'E_PLAN',
        `--from ${flags.from}: that run was sequential, and spent its whole error budget over its looks`,
        'plan a fresh benchmark with --discordance instead',
      );
    }
    const table = new Table({
      head: ['Candidate', 'vs', 'n', 'Discordance', 'Δ observed', 'Cases if Δ as observed', 'Cases if Δ = 0', 'Verdict now'],
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    const comparisons = report.recommendation.comparisons;
    const share = candidateAlpha(DECISION_LEVEL, new Set(comparisons.map((c) => c.model)).size);
    for (const c of comparisons) {
      // Clusters inflate the variance of Δ, and the cases needed with it.
      const deff = c.designEffect ?? 1;
      // The follow-up's size fixes its α (a smaller pilot share, a stricter look): the normal
      // approximation finds that α, and the rule is then sized by simulation at it.
      const sized = (delta: number): string => {
        const approx = followUpCases(c.n, share, (alpha) =>
          Math.ceil(casesForNonInferiority(margin, c.discordance, delta, { alpha, power: flags.power }) * deff),
        );
        if (!Number.isFinite(approx)) return count(Infinity);
        const alpha = secondLookAlpha(share, c.n / approx);
        return count(
          Math.max(
            c.n + 1,
            Math.ceil(simulatedCasesForNonInferiority(margin, c.discordance, delta, { alpha, level: 1 - 2 * alpha, power: flags.power }) * deff),
          ),
        );
      };
      table.push([c.model, c.reference, String(c.n), `${(c.discordance * 100).toFixed(1)} %`, ppDelta(c.delta), sized(c.delta), sized(0), c.verdict]);
    }
    out(
      `Following up ${flags.from} (${report.dataset.cases} cases): cases in all, the pilot's included, for ${Math.round(flags.power * 100)} % power at tolerance ${flags.tolerance} pp, ` +
        'tested at the error the pilot left (by simulating the rule tierbench applies):',
    );
    out(comparisons.length === 0 ? '  no cheaper model was compared in that run' : table.toString());
    out(
      `Append new cases to the pilot's to reach that size and run the same command with --follow-up ${flags.from}. ` +
        'Stopping when a result looks clear, or looking again without --follow-up, inflates the error rate.',
    );
  }
  return 'ok';
}
