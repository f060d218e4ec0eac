// Append-only JSON-lines file written in small batches: lines queued in one turn of the event loop
// are written together with one write() as the turn ends, so a result reaches the operating system
// (and survives kill -9) within microseconds, without a synchronous write per case. The journal's
// writer waits for its line, so the next call starts after the turn's I/O callbacks have run: the
// responses that arrived in the turn are timed before new requests are built. (Writing at the end
// of each task instead started calls about half a millisecond sooner, but put request building
// ahead of reading responses: the reported p99 rose by 5–25 ms; docs/performance.md.) An fsync
// every second, in the thread pool, covers power loss. A line can be read back by its offset (the
// response cache's index).
import { closeSync, fstatSync, fsync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDir } from '../files.js';

export class Appender {
  private readonly fd: number;
  private pending: string[] = [];
  private scheduled = false;
  /** Resolves when the current batch has been written. */
  private written: Promise<void> = Promise.resolve();
  private resolveWritten: () => void = () => undefined;
  private dirty = false;
  private syncing = false;
  private readonly syncTimer: NodeJS.Timeout;
  /** Bytes in the file once the pending lines are written: where the next line will start. */
  private end: number;
  /** Bytes already in the file. */
  private flushed = 0;
  /**
   * The first write that failed (a full disk, a file system gone read-only). Nothing is written
   * after it: the lines before it are whole, and the one it tore is skipped when read back.
   */
  failure: NodeJS.ErrnoException | undefined;

  constructor(readonly path: string) {
    makeDir(dirname(path));
    this.fd = openSync(path, 'a+');
    // A crash may have torn the last line: start on a fresh one, or the next line joins the torn one.
    const size = fstatSync(this.fd).size;
    const last = Buffer.alloc(1);
    this.end = this.flushed = size;
    if (size > 0 && readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) {
      this.pending.push('\n');
      this.end++;
    }
    this.syncTimer = setInterval(() => this.sync(), 1000);
    this.syncTimer.unref();
  }

  /** Where the next appended line will start. */
  get offset(): number {
    return this.end;
  }

  /** Queue a line; the promise resolves once it is written (within this turn of the event loop). */
  append(value: unknown): Promise<void> {
    if (this.failure !== undefined) return Promise.resolve();
    const line = `${JSON.stringify(value)}\n`;
    this.pending.push(line);
    this.end += Buffer.byteLength(line);
    if (!this.scheduled) {
      this.scheduled = true;
      this.written = new Promise((resolve) => {
        this.resolveWritten = resolve;
      });
      setImmediate(() => this.flush());
    }
    return this.written;
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length > 0) {
      const text = Buffer.from(this.pending.join(''));
      this.pending = [];
      try {
        // A disk filling up takes part of a write: the rest is written, or fails.
        for (let at = 0; at < text.length; ) at += writeSync(this.fd, text, at, text.length - at);
        this.flushed = this.end;
        this.dirty = true;
      } catch (err) {
        this.failure = err as NodeJS.ErrnoException;
      }
    }
    this.resolveWritten();
  }

  /** The line starting at `offset` (without its newline); written or still pending. */
  lineAt(offset: number): string {
    if (offset >= this.flushed) this.flush();
    const chunks: Buffer[] = [];
    for (let at = offset; ; ) {
      const chunk = Buffer.allocUnsafe(4096);
      const n = readSync(this.fd, chunk, 0, chunk.length, at);
      const newline = chunk.subarray(0, n).indexOf(0x0a);
      if (newline >= 0 || n === 0) {
        chunks.push(chunk.subarray(0, newline >= 0 ? newline : n));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(chunk.subarray(0, n));
      at += n;
    }
  }

  /** In the thread pool: a flush to disk takes milliseconds the event loop would otherwise wait. */
  private sync(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fsync(this.fd, (err) => {
      this.syncing = false;
      if (err) this.failure ??= err;
    });
  }

  close(): void {
    clearInterval(this.syncTimer);
    this.flush();
    try {
      if (this.failure === undefined) fsyncSync(this.fd);
    } catch (err) {
      this.failure = err as NodeJS.ErrnoException;
    }
    closeSync(this.fd);
  }
}
