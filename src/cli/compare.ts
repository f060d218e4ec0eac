// `tierbench compare OLD NEW`: what changed per model between two reports, paired on shared cases.
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { compareAcross } from '../analysis/across.js';
import { money, pct, ppDelta } from '../format.js';
import type { ModelSummary } from '../types.js';
import type { Ending } from './exit.js';
import type { Io } from './io.js';
import { readReport } from './report-file.js';

const LEVEL = 0.95;

export async function compareCommand(oldFile: string, newFile: string, flags: { json?: boolean }, io: Io): Promise<Ending> {
  const before = await readReport(resolve(io.cwd, oldFile), '');
  const after = await readReport(resolve(io.cwd, newFile), '');
  const rows = after.summaries.map((now) => {
    const then = before.summaries.find((s) => s.model === now.model);
    const across = compareAcross(before, after, now.model, LEVEL);
    const c = across?.comparison ?? null;
    const change =
      then === undefined
        ? 'new model'
        : across === null
          ? 'no answer before'
          : c === null
            ? 'no case in common'
            : c.interval.low > 0
              ? 'better'
              : c.interval.high < 0
                ? 'worse'
                : 'no change shown';
    return { model: now.model, change, comparison: c, across, before: then ?? null, after: now };
  });
  const gone = before.summaries.filter((s) => !after.summaries.some((a) => a.model === s.model)).map((s) => s.model);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify(
        { before: oldFile, after: newFile, level: LEVEL, models: rows.map(({ model, change, comparison }) => ({ model, change, comparison })), removed: gone },
        null,
        2,
      )}\n`,
    );
    return 'ok';
  }
  const fig = (s: ModelSummary | null, f: (s: ModelSummary) => string): string => (s === null ? '—' : f(s));
  const table = new Table({
    head: ['Model', 'Accuracy before → after', 'Δ (paired, 95 % CI)', 'McNemar p', 'Shared', 'Change', '$/1k cases', 'p95 ms'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) {
    const c = r.comparison;
    table.push([
      r.model,
      `${fig(r.before, (s) => (s.accuracy === null ? '—' : pct(s.accuracy)))} → ${r.after.accuracy === null ? '—' : pct(r.after.accuracy)}`,
      c === null ? '—' : `${ppDelta(c.delta)} (${ppDelta(c.interval.low)} to ${ppDelta(c.interval.high)})`,
      c?.p === null || c === null ? '—' : c.p < 0.001 ? '< 0.001' : c.p.toFixed(3),
      c === null ? '0' : String(c.n),
      r.change,
      `${fig(r.before, (s) => money(s.cost?.per1kCases))} → ${money(r.after.cost?.per1kCases)}`,
      `${fig(r.before, (s) => (s.latencyMs ? String(Math.round(s.latencyMs.p95)) : '—'))} → ${r.after.latencyMs ? Math.round(r.after.latencyMs.p95) : '—'}`,
    ]);
  }
  io.stdout.write(`${oldFile} → ${newFile}\n${table.toString()}\n`);
  // Two runs on different data share models but no case: said once, plainly, not as a "change" per model.
  if (rows.every((r) => r.across === null || r.across.shared === 0) && rows.some((r) => r.across !== null)) {
    io.stdout.write(
      `the two runs share no case (${before.dataset.path} and ${after.dataset.path}): nothing to pair, so no change can be shown — compare runs on the same cases, with an id column for pairing\n`,
    );
  }
  const pairing = rows.find((r) => r.across !== null)?.across;
  if (pairing)
    io.stdout.write(
      `paired by ${pairing.pairedBy === 'id' ? 'case id' : 'the prompt sent (no id column in both runs: give one with --id-col)'}; ${pairing.shared.toLocaleString('en-US')} of ${pairing.after.toLocaleString('en-US')} cases in common\n`,
    );
  if (gone.length > 0) io.stdout.write(`not in ${newFile}: ${gone.join(', ')}\n`);
  io.stdout.write('"better" / "worse": the paired 95 % interval excludes no change. For a pass/fail decision with a margin, use tierbench gate --baseline.\n');
  return 'ok';
}
