// Append-only JSON-lines file written in small batches: lines queued in one turn of the event loop
// are written together with one write() as the turn ends, so a result reaches the operating system
// (and survives kill -9) within microseconds, without a synchronous write per case. An fsync every
// second covers power loss.
import { closeSync, fsyncSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class Appender {
  private readonly fd: number;
  private pending: string[] = [];
  private scheduled = false;
  /** Resolves when the current batch has been written. */
  private written: Promise<void> = Promise.resolve();
  private resolveWritten: () => void = () => undefined;
  private dirty = false;
  private readonly syncTimer: NodeJS.Timeout;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    // A crash may have torn the last line: start on a fresh one, or the next line joins the torn one.
    const size = fstatSync(this.fd).size;
    const last = Buffer.alloc(1);
    if (size > 0 && readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) this.pending.push('\n');
    this.syncTimer = setInterval(() => this.sync(), 1000);
    this.syncTimer.unref();
  }

  /** Queue a line; the promise resolves once it is written (within this turn of the event loop). */
  append(value: unknown): Promise<void> {
    this.pending.push(JSON.stringify(value) + '\n');
    if (!this.scheduled) {
      this.scheduled = true;
      this.written = new Promise((resolve) => { this.resolveWritten = resolve; });
      setImmediate(() => this.flush());
    }
    return this.written;
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length > 0) {
      const text = this.pending.join('');
      this.pending = [];
      writeSync(this.fd, text);
      this.dirty = true;
    }
    this.resolveWritten();
  }

  private sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.syncTimer);
    this.flush();
    this.sync();
    closeSync(this.fd);
  }
}
