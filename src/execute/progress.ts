// What a run shows while it works. On a terminal: one live line per model, redrawn in place. Elsewhere
// (CI logs): a plain line every few seconds. Never a line per case.
import type { CaseResult } from '../types.js';

interface ProgressSink {
  write(text: string): void;
}

export interface ProgressOptions {
  mode: 'live' | 'plain' | 'off';
  models: readonly string[];
  total: number;
  out: ProgressSink;
  now: () => number;
  /** Redraw period in ms; plain lines come every `plainEveryMs`. */
  liveEveryMs?: number;
  plainEveryMs?: number;
}

interface Counter {
  done: number;
  errors: number;
  spend: number;
}

const money = (x: number): string => (x < 0.01 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class Progress {
  private readonly counters: Counter[];
  private readonly started: number;
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  /** Batch mode: what each model's batches are doing, in place of a rate and an ETA the provider does not give. */
  private readonly batchLines: Array<string | undefined> = [];

  constructor(private readonly options: ProgressOptions) {
    this.counters = options.models.map(() => ({ done: 0, errors: 0, spend: 0 }));
    this.started = options.now();
    if (options.mode === 'off') return;
    const every = options.mode === 'live' ? (options.liveEveryMs ?? 200) : (options.plainEveryMs ?? 5000);
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  record(modelIndex: number, result: CaseResult): void {
    const c = this.counters[modelIndex];
    if (!c) return;
    c.done++;
    if (result.error) c.errors++;
    if (result.cost !== null) c.spend += result.cost;
  }

  /** Batch mode: the model's batches as the provider last said (submitted, processing, succeeded, errored). */
  batches(modelIndex: number, status: string): void {
    this.batchLines[modelIndex] = status;
  }

  line(modelIndex: number): string {
    const c = this.counters[modelIndex] ?? { done: 0, errors: 0, spend: 0 };
    const name = this.options.models[modelIndex] ?? '';
    const batch = this.batchLines[modelIndex];
    if (batch !== undefined)
      return `${name.padEnd(12)} ${String(c.done).padStart(String(this.options.total).length)}/${this.options.total} read  ${batch}  ${money(c.spend)}  ${c.errors} errors`;
    const elapsed = this.options.now() - this.started;
    const rate = elapsed > 0 ? (c.done / elapsed) * 1000 : 0;
    const eta = rate > 0 ? ((this.options.total - c.done) / rate) * 1000 : Infinity;
    return `${name.padEnd(12)} ${String(c.done).padStart(String(this.options.total).length)}/${this.options.total}  ${rate.toFixed(1)}/s  ETA ${duration(eta)}  ${money(c.spend)}  ${c.errors} errors`;
  }

  private draw(): void {
    const lines = this.options.models.map((_, i) => this.line(i));
    if (this.options.mode === 'live') {
      const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
      this.options.out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      this.drawn = lines.length;
    } else if (this.options.mode === 'plain') {
      this.options.out.write(`progress: ${lines.map((l) => l.replace(/\s+/g, ' ').trim()).join(' | ')}\n`);
    }
  }

  /** Final state, then stop redrawing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.mode === 'live') this.draw();
  }
}
