// Sentences that more than one view prints (the terminal table, the HTML page), written once so
// that their wording agrees.
import { money, pct, ppDelta, ppInterval } from '../format.js';
import type {
  Agreement,
  CacheTtl,
  CascadePoint,
  CascadeResult,
  CaseResult,
  ClassReport,
  Decision,
  EmbeddingUsage,
  JudgeReport,
  ModelSummary,
  Report,
  SequentialReport,
} from '../types.js';

/** A model's weakest labels by F1, worst first, and its answers that named no label (the terminal's short view). */
export function weakestLabels(classes: ClassReport, count = 3): string {
  const figure = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const worst = classes.perLabel
    .filter((l) => l.support > 0)
    .sort((a, b) => (a.f1 ?? 0) - (b.f1 ?? 0))
    .slice(0, count)
    .map((l) => `${l.label} F1 ${figure(l.f1)} (precision ${figure(l.precision)}, recall ${figure(l.recall)}, n ${l.support})`);
  const other = classes.other > 0 ? `; ${classes.other} answer${classes.other === 1 ? '' : 's'} named no label or several` : '';
  return `${worst.join(' · ')}${other}`;
}

/** What scoring by embeddings cost, apart from the models' costs; unknown (never $0) for an unpriced embedding model. */
export function embeddingSentence(e: EmbeddingUsage): string {
  const cost = e.cost === null ? 'cost unknown (the model has no price)' : `${money(e.cost.total)}, ${money(e.cost.spent)} of it spent in this run`;
  return (
    `Scoring embeddings (${e.model}): ${e.texts.toLocaleString('en-US')} texts, ${e.cached.toLocaleString('en-US')} from the response cache, ` +
    `${e.tokens.toLocaleString('en-US')} tokens${e.estimated > 0 ? ' (some estimated)' : ''}; ${cost}. Not in the models' costs above.`
  );
}

/** Per model that wrote or read the prompt cache: what it saved against no caching, from the run's own usage. */
export function promptCacheSentences(summaries: readonly ModelSummary[], ttl: CacheTtl | false): string[] {
  return summaries.flatMap((s) => {
    const c = s.promptCache;
    if (c === undefined) return [];
    const share = `${Math.round(Math.abs(c.savedFraction) * 100)} %`;
    const what =
      c.saved >= 0
        ? `saved ${money(c.saved)} (${share})`
        : `cost ${money(-c.saved)} more (${share}): the writes were not read back enough to pay for themselves`;
    return [
      `Prompt cache, ${s.model}${ttl === false ? '' : ` (${ttl} TTL)`}: ${c.writes.toLocaleString('en-US')} calls wrote it (${s.tokens.cacheWrite.toLocaleString('en-US')} tokens), ` +
        `${c.reads.toLocaleString('en-US')} read it (${s.tokens.cacheRead.toLocaleString('en-US')} tokens); ${money(c.paid)} paid against ${money(c.uncached)} without caching: ${what}.`,
    ];
  });
}

const SOURCES: Record<string, string> = {
  logprob: 'token log-probabilities',
  'self-report': 'the confidence it reports',
  agreement: 'agreement between its samples',
  'label-set': 'whether its answer is a known label',
  none: 'nothing (no signal)',
  mixed: 'mixed signals',
};

/** What the cheap model's confidence came from, in words. */
export const cascadeSource = (c: CascadeResult): string => SOURCES[c.source] ?? c.source;

/** A point's threshold as the tables show it: `never` and `always` at the two ends. */
export const cascadeThreshold = (p: CascadePoint): string => (p.escalated === 0 ? 'never' : p.threshold === null ? 'always' : p.threshold.toFixed(2));

/** The chosen threshold and what it gives, or that none is within tolerance. */
export function cascadeAdvice(c: CascadeResult, tolerancePp: number): string {
  if (!c.best) return `No threshold cheaper than ${c.big} alone is within ${tolerancePp} pp of it.`;
  return (
    `Escalate when ${c.cheap}'s confidence is below ${c.best.threshold?.toFixed(2) ?? '∞'}: ${Math.round(c.best.escalated * 100)} % of cases go to ${c.big}; ` +
    `${pct(c.best.accuracy)}${c.bestIntervals ? ` (95 % CI ${pct(c.bestIntervals.accuracy.low)}–${pct(c.bestIntervals.accuracy.high)})` : ''}, Δ ${ppDelta(c.best.delta)} (${ppInterval(c.best.low, c.best.high, 0.9)}), at ${money(c.best.costPerCase * 1000)} per 1,000 cases` +
    (c.bestIntervals ? ` (95 % CI ${money(c.bestIntervals.costPerCase.low * 1000)}–${money(c.bestIntervals.costPerCase.high * 1000)})` : '') +
    (c.saving !== null ? `, ${Math.round(c.saving * 100)} % less than ${c.big} alone.` : '.')
  );
}

/** The oracle bound, and the warning that the threshold was chosen on this data. */
export function cascadeOracle(c: CascadeResult): string {
  return `Oracle (escalating exactly the cases ${c.cheap} got wrong, ${Math.round(c.oracle.escalated * 100)} %): ${pct(c.oracle.accuracy)} at ${money(c.oracle.costPerCase * 1000)} per 1,000 cases — the ceiling for any confidence signal. The threshold is chosen on this data: confirm it on fresh cases.`;
}

/** The judges apart from the candidates: what they cost and how far they agree; their warnings apart (each view marks them its way). */
export function judgeSentences(judge: JudgeReport): { lines: string[]; warnings: string[] } {
  const spend = judge.usage.map((u) => {
    const cost = u.cost === null ? 'cost unknown (unpriced)' : `${money(u.cost.total)}${u.cached > 0 ? `, ${money(u.cost.spent)} spent in this run` : ''}`;
    return `${u.judge}: ${u.calls} calls${u.cached > 0 ? ` (${u.cached} from the cache)` : ''}, ${u.tokens.input + u.tokens.cacheRead + u.tokens.cacheWrite} in / ${u.tokens.output} out tokens, ${cost}`;
  });
  const lines = [
    `Judged by ${judge.mode === 'pairwise' ? `pairwise comparison with ${judge.reference}, both orders` : 'rubric (grades 1–5 → 0–1)'}: ${judge.judged} answers scored${judge.failed > 0 ? `, ${judge.failed} judge failures (unscored)` : ''}. Judge calls, not in the table: ${spend.join('; ')}.`,
  ];
  if (judge.orderDisagreement && judge.orderDisagreement.pairs > 0) {
    const { pairs, disagreed } = judge.orderDisagreement;
    lines.push(
      `  order disagreement: ${disagreed} of ${pairs} pairs (${Math.round((disagreed / pairs) * 100)} %) judged differently when the answers swapped places; each scores the mean of its two orders`,
    );
  }
  for (const a of [...(judge.human ?? []), ...(judge.betweenJudges ? [judge.betweenJudges] : [])])
    lines.push(`  agreement ${a.between.join(' – ')}: ${agreementFigures(a)}`);
  return { lines, warnings: judge.warnings };
}

function agreementFigures(a: Agreement): string {
  const ci = (x: { low: number | null; high: number | null }): string =>
    x.low === null || x.high === null ? '' : ` [${x.low.toFixed(2)}, ${x.high.toFixed(2)}]`;
  const v = (x: number | null): string => (x === null ? 'undefined' : x.toFixed(2));
  return [
    ...(a.kappa ? [`${a.kappa.weights === 'quadratic' ? 'weighted κ' : 'κ'} ${v(a.kappa.value)}${ci(a.kappa)}`] : []),
    ...(a.spearman ? [`Spearman ρ ${v(a.spearman.value)}${ci(a.spearman)}`] : []),
    `n ${a.n}`,
  ].join(', ');
}

/** What the judges said of one answer, for its row (CSV) or its test (JUnit): each judge's grade or winners, and reason. */
export function judgeVerdictsOf(report: Report, r: CaseResult): string {
  const id = report.cases[r.caseIndex]?.id;
  return (report.judge?.verdicts ?? [])
    .filter((v) => v.model === r.model && v.case === id && v.sample === r.sample)
    .map((v) => {
      const said =
        v.grade != null
          ? `grade ${v.grade}`
          : v.winners !== undefined
            ? `winner ${v.winners.map((w) => w ?? '?').join('/')} (answer first/second)`
            : 'no verdict';
      const why = v.failure ?? v.reason;
      return `${v.judge}: ${said}${why === undefined ? '' : ` — ${why}`}`;
    })
    .join(' | ');
}

/** What every view says for latency in a batch run (never 0 ms, never a dash that could mean "none"). */
export const NOT_MEASURED = 'not measured';

/** A batch run, in one sentence: what its costs are and why there is no latency. */
export const BATCH_SENTENCE =
  "Batch mode: the calls went through the providers' batch APIs, priced at their batch rates (half price); latency not measured (a batch answers within 24 hours, not per call).";

/** `--sequential`, look by look: its cases, each candidate's one-sided α there, and the verdicts it reached (or that it was not reached). */
export function lookRows(s: SequentialReport, comparisons: readonly Decision[]): Array<{ look: number; cases: number; alpha: string; verdicts: string }> {
  return s.looks.map((cases, k) => {
    const look = k + 1;
    const reached = comparisons
      .filter((d) => d.look === look && d.verdict !== 'inconclusive')
      .map((d) => `${d.model} ${d.verdict === 'within' ? 'within' : 'worse than'} ${d.reference}`);
    const verdicts =
      look > s.stoppedAt ? 'not reached' : reached.length > 0 ? reached.join('; ') : look === s.stoppedAt && !s.decided ? 'none; the rest stay open' : 'none';
    return { look, cases, alpha: `${Number((s.alphas[k]! * 100).toPrecision(2))} %`, verdicts };
  });
}
