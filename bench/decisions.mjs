// Decision-quality benchmark (not a test): how often do tierbench's verdicts get it right when
// the truth is known? Simulates paired results of a cheaper model against a reference, with a
// chosen true difference Δ and discordance, and compares the paired non-inferiority rule with the
// naive "within δ on the point estimates" rule that most tools apply.
//   npm run bench:decisions [-- --trials 4000]
import { newcombePaired, rng } from '../dist/analysis/paired.js';
import { normalQuantile } from '../dist/analysis/intervals.js';
import { verdictOf } from '../dist/recommend/decide.js';

const args = process.argv.slice(2);
const TRIALS = Number(args[args.indexOf('--trials') + 1] || 4000) || 4000;
const DELTA = 0.03; // tolerance δ: 3 pp
const P_REF = 0.9;
const SIZES = [200, 500, 1000];
const DISCORDANCE = [0.06, 0.15];
const TRUE = [
  { delta: 0.01, group: 'adequate' }, { delta: 0, group: 'adequate' }, { delta: -0.01, group: 'adequate' },
  { delta: -0.02, group: 'within' }, { delta: -0.03, group: 'boundary' },
  { delta: -0.04, group: 'worse' }, { delta: -0.05, group: 'worse' }, { delta: -0.08, group: 'worse' },
];
const random = rng(20261122);
const z95 = normalQuantile(0.975);

/** One pilot: n paired cases drawn from the 2×2 probabilities; returns the cell counts. */
function draw(n, pa, pb, pc) {
  let a = 0, b = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const u = random();
    if (u < pa) a++;
    else if (u < pa + pb) b++;
    else if (u < pa + pb + pc) c++;
  }
  return { a, b, c, d: n - a - b - c };
}

const rows = [];
for (const n of SIZES) {
  for (const d0 of DISCORDANCE) {
    for (const { delta, group } of TRUE) {
      // Cells (candidate, reference): b = candidate right only, c = reference right only.
      const d = Math.max(d0, Math.abs(delta) + 0.02);
      const pb = (d + delta) / 2, pc = (d - delta) / 2, pa = P_REF - pc;
      let ours = 0, naive = 0, cover = 0, coverNaive = 0;
      for (let t = 0; t < TRIALS; t++) {
        const cells = draw(n, pa, pb, pc);
        const est = (cells.b - cells.c) / n;
        const ci90 = newcombePaired(cells, 0.9);
        if (verdictOf(ci90.low, ci90.high, DELTA) === 'within') ours++;
        if (est >= -DELTA) naive++;
        const ci95 = newcombePaired(cells, 0.95);
        if (ci95.low <= delta && delta <= ci95.high) cover++;
        // What a tool that ignores the pairing computes: the unpaired Wald interval.
        const p1 = (cells.a + cells.b) / n, p2 = (cells.a + cells.c) / n;
        const se = Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n);
        if (est - z95 * se <= delta && delta <= est + z95 * se) coverNaive++;
      }
      rows.push({ n, d, delta, group, ours: ours / TRIALS, naive: naive / TRIALS, cover: cover / TRIALS, coverNaive: coverNaive / TRIALS });
    }
  }
}

const pct = (x) => `${(x * 100).toFixed(1)} %`.padStart(7);
console.log(`Decision quality: ${TRIALS} simulated pilots per row; reference accuracy ${P_REF * 100} %, tolerance δ = ${DELTA * 100} pp.`);
console.log('"recommended" = judged within tolerance. Ours: paired 90 % Newcombe lower bound > −δ. Naive: Δ̂ ≥ −δ.');
console.log('\n    n  discord.  true Δ   group     | recommended: ours   naive | 95 % coverage: ours (paired)  naive (unpaired Wald)');
for (const r of rows) {
  console.log(`${String(r.n).padStart(5)}  ${pct(r.d)}  ${(r.delta * 100).toFixed(0).padStart(4)} pp  ${r.group.padEnd(9)} |        ${pct(r.ours)} ${pct(r.naive)} |              ${pct(r.cover)}      ${pct(r.coverNaive)}`);
}
const pick = (group) => rows.filter((r) => r.group === group);
const range = (xs) => `${pct(Math.min(...xs)).trim()} – ${pct(Math.max(...xs)).trim()} (mean ${pct(xs.reduce((s, x) => s + x, 0) / xs.length).trim()})`;
console.log('\nSummary                                                       ours (paired NI)              naive (point estimate)');
console.log(`(a) coverage of 95 % intervals for Δ (target 94–96 %)          ${range(rows.map((r) => r.cover)).padEnd(30)}${range(rows.map((r) => r.coverNaive))} (unpaired Wald)`);
const inside = (xs) => xs.filter((x) => x >= 0.94 && x <= 0.96).length;
console.log(`    rows inside 94–96 %                                          ${`${inside(rows.map((r) => r.cover))} of ${rows.length}`.padEnd(30)}${inside(rows.map((r) => r.coverNaive))} of ${rows.length}`);
console.log(`(b) truly worse than δ, yet recommended (target ≤ 5 %)         ${range(pick('worse').map((r) => r.ours)).padEnd(30)}${range(pick('worse').map((r) => r.naive))}`);
console.log(`    at the margin (Δ = −δ): ≤ 5 % by construction               ${range(pick('boundary').map((r) => r.ours)).padEnd(30)}${range(pick('boundary').map((r) => r.naive))}`);
console.log(`(c) truly adequate (Δ ≥ −1 pp), found adequate                 ${range(pick('adequate').map((r) => r.ours)).padEnd(30)}${range(pick('adequate').map((r) => r.naive))}`);
