// `--explain`: what the table's words and signs mean, only those the report uses.

import { wrap } from '../format.js';
import type { Report } from '../types.js';

type Term = [term: string, meaning: string, shown?: (r: Report) => boolean];

const TERMS: Term[] = [
  [
    'Accuracy',
    'the share of the answered cases scored right (a graded scorer such as json gives partial credit, averaged). Failed calls are not in it; the verdicts count them as wrong.',
  ],
  [
    '95% CI',
    'each model on its own: where its true accuracy on cases like these lies, 95 % of the time. A Wilson interval (a t-interval for graded scores; cluster-robust with a cluster column). Two overlapping intervals do not mean two models are alike: the verdicts compare them case by case.',
  ],
  ['n', 'cases scored for the model.'],
  [
    'Errors',
    'calls that failed, by kind, and empty answers; then the retries the SDKs made. Infrastructure, not quality: fix them before reading the accuracy.',
  ],
  ['p50 / p95 ms', 'the median and the 95th-percentile time of a whole call; answers from the response cache have none.', (r) => r.settings.batch !== true],
  ['Latency', 'not measured: a batch (--batch) answers within 24 hours, not per call.', (r) => r.settings.batch === true],
  ['TTFT', 'time to first token: how long until the answer starts arriving (streaming only).', (r) => r.settings.stream],
  ['tok/s', 'output tokens a second once the answer has begun.', (r) => r.settings.batch !== true],
  [
    '$/1k cases, $/1k correct',
    'what 1,000 cases cost at list prices, and what 1,000 right answers cost. ≥: some calls may have been billed at an unknown cost; ~: some tokens were estimated.',
  ],
  ['pp', 'percentage points: from 90 % to 87 % is 3 pp (and 3.3 %).'],
  ['Δ', "a cheaper model's accuracy minus the one it is tested against, on the same cases (paired)."],
  ['tolerance', 'how far below the model it is tested against a cheaper model may be and still count as good enough (--tolerance).'],
  [
    'verdicts ✓ ✗ ?',
    '✓ within tolerance: the whole interval of Δ is above −tolerance. ✗ worse: the whole interval is below it. ? inconclusive: the interval straddles it; more cases would settle it (the line says about how many).',
  ],
  [
    'paired intervals',
    'the interval of Δ. Its level (e.g. 92 %) is what is left of the 5 % error after splitting it over the cheaper models and keeping a share for a --follow-up, so a wrong "good enough" stays under 5 % in all.',
  ],
  [
    'McNemar p',
    'the chance of a difference at least this large if the two models were equally accurate; it tests "different", the verdicts test "good enough".',
  ],
  [
    'discordant',
    'the share of cases where exactly one of the two models was right. Only those cases tell two models apart: the more there are, the more cases a verdict needs.',
  ],
  [
    '◆ reference, ★ recommended',
    'the model the others are measured against (the most accurate, or --reference), and the cheapest model shown to be within tolerance of every model that costs more.',
  ],
  [
    'cascade',
    'the cheap model answers; when its confidence is below the threshold the case goes to the big model. Escalated: the share sent on; vs … alone: Δ against the big model, at a one-sided 5 % test (a 90 % interval).',
    (r) => r.cascade !== undefined,
  ],
  ['oracle', 'a cascade that escalates exactly the cases the cheap model got wrong: the best any confidence signal could do.', (r) => r.cascade !== undefined],
  [
    'projections',
    "the run's cost per case times the volume (--volume); the interval is the 95 % interval of the mean cost per case.",
    (r) => r.projections !== undefined,
  ],
];

export function renderGlossary(report: Report): string {
  const lines = ['', 'What the figures mean:'];
  for (const [term, meaning, shown] of TERMS) if (shown === undefined || shown(report)) lines.push(wrap(`${term}: ${meaning}`, '    ', '  '));
  return `${lines.join('\n')}\n`;
}
