import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalQuantile } from './intervals.js';
import { rng } from './paired.js';
import { obrienFlemingSpent, spendingBoundaries } from './spending.js';

const rounded = (xs: readonly number[], digits = 4): string[] => xs.map((x) => x.toFixed(digits));

describe('α-spending boundaries (Lan–DeMets, O’Brien–Fleming type)', () => {
  it('spends almost nothing early and all of α at the end', () => {
    // α(t) = 2 − 2Φ(z_{1−α/2}/√t): at t = 1/2 and one-sided 2.5 %, 2 − 2Φ(2.2414/0.7071) = 0.00153.
    assert.equal(obrienFlemingSpent(0.025, 0.5).toFixed(5), '0.00153');
    assert.equal(obrienFlemingSpent(0.025, 1), 0.025);
    assert.equal(obrienFlemingSpent(0.025, 0), 0);
  });

  it('gives the published critical values (one-sided α = 2.5 %, equally spaced looks)', () => {
    // Jennison & Turnbull (2000) ch. 7 and gsDesign's sfLDOF, to 4 decimals.
    assert.deepEqual(rounded(spendingBoundaries(0.025, [0.5, 1]).critical), ['2.9626', '1.9686']);
    assert.deepEqual(rounded(spendingBoundaries(0.025, [1 / 3, 2 / 3, 1]).critical), ['3.7103', '2.5114', '1.9930']);
    assert.deepEqual(rounded(spendingBoundaries(0.025, [0.25, 0.5, 0.75, 1]).critical), ['4.3326', '2.9631', '2.3590', '2.0141']);
    assert.deepEqual(rounded(spendingBoundaries(0.025, [0.2, 0.4, 0.6, 0.8, 1]).critical), ['4.8769', '3.3570', '2.6803', '2.2898', '2.0310']);
  });

  it('the nominal level of a look is the tail beyond its critical value; the last look keeps most of α', () => {
    const { critical, nominal } = spendingBoundaries(0.05, [0.25, 0.5, 0.75, 1]);
    for (const [k, c] of critical.entries()) assert.ok(Math.abs(normalQuantile(1 - nominal[k]!) - c) < 1e-6);
    // One-sided 5 % over four looks: the last tests at 4.27 %, a single look's 5 % nearly kept.
    assert.equal(nominal[3]!.toFixed(4), '0.0427');
  });

  it('holds P(crossing at any look) at α: simulated Brownian motion at unequal looks', () => {
    const fractions = [0.1, 0.3, 0.7, 1];
    const { critical } = spendingBoundaries(0.05, fractions);
    const random = rng(11);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const runs = 200_000;
    let crossed = 0;
    for (let r = 0; r < runs; r++) {
      let w = 0;
      let previous = 0;
      for (let k = 0; k < fractions.length; k++) {
        w += Math.sqrt(fractions[k]! - previous) * normal();
        previous = fractions[k]!;
        if (w / Math.sqrt(previous) >= critical[k]!) {
          crossed++;
          break;
        }
      }
    }
    // Standard error of a rate near 5 % over 200,000 runs: 0.05 pp.
    assert.ok(Math.abs(crossed / runs - 0.05) < 0.0015, `${crossed / runs}`);
  });

  it('refuses fractions that do not increase within (0, 1]', () => {
    assert.throws(() => spendingBoundaries(0.05, [0.5, 0.5, 1]), RangeError);
    assert.throws(() => spendingBoundaries(0.05, [0, 1]), RangeError);
  });
});
