import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanWithHalfWidth, wilson } from './intervals.js';
import { clusteredMcnemar, clusterInterval, clusterRobustSE, mcnemar, newcombePaired, pairedBootstrap } from './paired.js';
import { casesForNonInferiority, casesToDetect, simulatedCasesForNonInferiority } from './samplesize.js';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

describe('Newcombe paired difference interval', () => {
  it('Cavo et al. (2012) in Fagerland, Lydersen & Laake: 59, 6, 16, 80 → −0.0621 (−0.1186 to −0.0046)', () => {
    const ci = newcombePaired({ a: 59, b: 6, c: 16, d: 80 }, 0.95);
    close(ci.delta, -0.0621, 0.00005);
    close(ci.low, -0.1186, 0.00005, 'low');
    close(ci.high, -0.0046, 0.00005, 'high');
  });
  it('uses no correlation when 0 ≤ ad − bc ≤ n/2 (the square-and-add of the two Wilson intervals)', () => {
    // a·d − b·c = 9·10 − 5·17 = 5, inside [0, n/2 = 20.5]: phi is taken as 0.
    const t = { a: 9, b: 5, c: 17, d: 10 };
    const ci = newcombePaired(t, 0.95);
    const n = 41;
    const w1 = wilson(14, n),
      w2 = wilson(26, n);
    close(ci.low, 14 / n - 26 / n - Math.hypot(14 / n - w1.low, w2.high - 26 / n), 1e-12);
    close(ci.high, 14 / n - 26 / n + Math.hypot(w1.high - 14 / n, 26 / n - w2.low), 1e-12);
  });
  it('is symmetric when the models swap', () => {
    const ab = newcombePaired({ a: 50, b: 12, c: 5, d: 33 }, 0.9);
    const ba = newcombePaired({ a: 50, b: 5, c: 12, d: 33 }, 0.9);
    close(ab.low, -ba.high, 1e-12);
    close(ab.high, -ba.low, 1e-12);
  });
  it('behaves at the edges: identical answers give a narrow interval around 0', () => {
    const ci = newcombePaired({ a: 200, b: 0, c: 0, d: 0 }, 0.9);
    assert.equal(ci.delta, 0);
    assert.ok(ci.low < 0 && ci.low > -0.02 && ci.high >= 0 && ci.high < 0.02);
  });
  it('a 90 % interval is inside the 95 % one', () => {
    const t = { a: 300, b: 20, c: 30, d: 50 };
    const n90 = newcombePaired(t, 0.9);
    const n95 = newcombePaired(t, 0.95);
    assert.ok(n95.low < n90.low && n90.high < n95.high);
  });
});

describe('McNemar', () => {
  it('exact below 25 discordant pairs', () => {
    assert.equal(mcnemar(5, 0).method, 'exact');
    close(mcnemar(5, 0).p, 0.0625, 1e-12);
    // Bentur et al. (2009), Fagerland et al. (2013): b = 1, c = 7 → exact 0.0703, mid-p 0.0391
    close(mcnemar(1, 7).p, 18 / 256, 1e-12);
    close(mcnemar(8, 2).p, 0.109375, 1e-12); // 2 × P(X ≤ 2 | 10, ½) = 2 × 56/1024
    assert.equal(mcnemar(0, 0).p, 1);
    assert.equal(mcnemar(3, 3).p, 1);
  });
  it('mid-p from 25 on (the mid-p of the Bentur table, by the same formula, is 10/256)', () => {
    const r = mcnemar(20, 10); // 2 × (P(X ≤ 10 | 30) − ½ P(X = 10 | 30))
    assert.equal(r.method, 'mid-p');
    close(r.p, 2 * (0.049368 - 0.5 * 0.027981), 2e-6);
  });
  it('the statistics.md contrast: paired p far below what the counts suggest', () => {
    assert.ok(mcnemar(15, 3).p < 0.01);
  });
  it('handles large tables', () => {
    const r = mcnemar(5200, 4800);
    assert.ok(r.p > 0 && r.p < 0.001);
  });
});

describe('paired bootstrap', () => {
  const diffs = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 11) / 10 - 0.5);
  it('is reproducible with its seed, and moves with another', () => {
    const a = pairedBootstrap(diffs, 0.9, { seed: 1 });
    const b = pairedBootstrap(diffs, 0.9, { seed: 1 });
    const c = pairedBootstrap(diffs, 0.9, { seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual([a.low, a.high], [c.low, c.high]);
    assert.ok(a.low < a.delta && a.delta < a.high);
  });
  it('agrees with the normal interval on a large sample', () => {
    const mean = diffs.reduce((s, x) => s + x, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - mean) ** 2, 0) / (diffs.length - 1));
    const ci = pairedBootstrap(diffs, 0.9, { seed: 7, resamples: 4000 });
    close(ci.high - ci.low, (2 * 1.645 * sd) / Math.sqrt(diffs.length), 0.01);
  });
});

describe('cluster-robust standard error', () => {
  it('equals the CR1 formula on a hand example', () => {
    // values 1,0 | 1,1 | 0,0 ; mean 0.5; cluster residual sums 0, 1, -1; SE = sqrt(3/2 · 2)/6
    close(clusterRobustSE([1, 0, 1, 1, 0, 0], [0, 0, 1, 1, 2, 2]), Math.sqrt(3) / 6, 1e-12);
  });
  it('is several times the naive one when clusters are homogeneous', () => {
    const values = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10) % 2);
    const ids = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
    const naive = Math.sqrt(0.25 / 100);
    assert.ok(clusterRobustSE(values, ids) > 2.5 * naive);
    const ci = clusterInterval(values, ids, 0.95, 0, 1);
    assert.equal(ci.method, 'cluster');
    assert.ok(ci.low < 0.3 && ci.high > 0.7);
  });
});

describe('clustered McNemar', () => {
  it("with one case a cluster it is McNemar's χ² without correction: b = 10, c = 2 → χ² 5.33, p 0.0209", () => {
    const diffs = [...Array<number>(10).fill(1), ...Array<number>(2).fill(-1), ...Array<number>(30).fill(0)];
    close(
      clusteredMcnemar(
        diffs,
        diffs.map((_, i) => i),
      ),
      0.02092,
      1e-4,
    );
    assert.equal(clusteredMcnemar([0, 0, 0], [0, 1, 2]), 1);
  });
});

describe('sample size', () => {
  // statistics.md, "How many cases are needed (80 % power, paired)"
  const table: Array<[string, (d: number) => number, number[]]> = [
    ['detect Δ = 3 pp', (d) => casesToDetect(0.03, d), [516, 865, 1301, 1737]],
    ['detect Δ = 5 pp', (d) => casesToDetect(0.05, d), [181, 307, 464, 621]],
    ['non-inferiority δ = 3 pp', (d) => casesForNonInferiority(0.03, d), [413, 687, 1031, 1374]],
    ['non-inferiority δ = 5 pp', (d) => casesForNonInferiority(0.05, d), [149, 248, 371, 495]],
  ];
  for (const [what, f, expected] of table) {
    it(what, () => {
      assert.deepEqual([0.06, 0.1, 0.15, 0.2].map(f), expected);
    });
  }
  it('a model truly worse than the margin can never be shown within it', () => {
    assert.equal(casesForNonInferiority(0.03, 0.1, -0.04), Infinity);
  });
});

describe('sample size by simulating the rule', () => {
  it('reaches the power the normal approximation promises and misses (77–79 % at its n)', () => {
    for (const [d, closed] of [
      [0.06, 413],
      [0.1, 687],
    ] as const) {
      const n = simulatedCasesForNonInferiority(0.03, d);
      assert.ok(n >= closed && n <= closed * 1.12, `d ${d}: ${n} against ${closed}`);
    }
    assert.equal(simulatedCasesForNonInferiority(0.03, 0.1, -0.04), Infinity);
  });
});

describe('the paired bootstrap at a level its resamples cannot resolve', () => {
  it('is never narrower than the t-interval when fewer than 10 resamples lie beyond a bound', () => {
    const diffs = Float64Array.from({ length: 25 }, (_, i) => (i % 5 === 0 ? -1 : i % 7 === 0 ? 1 : 0));
    // One-sided 0.009 %: the first of four O'Brien–Fleming looks at 5 %.
    const level = 1 - 2 * 0.0000886;
    const b = pairedBootstrap(diffs, level, { seed: 1 });
    const { mean, half } = meanWithHalfWidth(diffs, level);
    assert.ok(b.low <= mean - half + 1e-12 && b.high >= mean + half - 1e-12, `${b.low} ${b.high} vs ±${half}`);
    // At 90 % the 100 resamples in each tail decide alone, as before.
    const usual = pairedBootstrap(diffs, 0.9, { seed: 1 });
    assert.ok(usual.low > mean - meanWithHalfWidth(diffs, level).half);
  });
});
