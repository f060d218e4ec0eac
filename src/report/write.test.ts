import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../errors.js';
import { checkWritable, OutputError, writeAtomic } from './write.js';

describe('writes that cannot lie', () => {
  it('a write that fails part-way leaves the earlier file whole, and no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-write-'));
    const path = join(dir, 'report.json');
    writeFileSync(path, '{"valid": true}\n');
    function* broken(): Generator<string> {
      yield '{"half": ';
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    await assert.rejects(
      writeAtomic('-o report.json', path, broken()),
      (e: OutputError) =>
        e instanceof OutputError &&
        e.exitCode === EXIT.runFailed &&
        /^-o report\.json: cannot write .*report\.json: the disk is full$/.test(e.message) &&
        e.hint === 'free some space',
    );
    assert.equal(readFileSync(path, 'utf8'), '{"valid": true}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
    await writeAtomic('-o report.json', path, ['{"new": ', 'true}\n']);
    assert.equal(readFileSync(path, 'utf8'), '{"new": true}\n');
  });
  it('a bad path is a usage error naming it and the fix, found before anything is paid for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-write-'));
    writeFileSync(join(dir, 'file'), 'x');
    mkdirSync(join(dir, 'folder'));
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'file', 'r.json'), /a part of the path is a file, not a folder/],
      [join(dir, 'folder'), /it is a folder/],
      ['/dev/null', /it is not a regular file/],
    ];
    for (const [path, reason] of cases) {
      await assert.rejects(
        checkWritable('-o x', path),
        (e: OutputError) => e.exitCode === EXIT.usage && e.message.includes(path) && reason.test(e.message),
        path,
      );
    }
    await checkWritable('-o x', join(dir, 'new', 'deeper', 'r.json'));
    assert.deepEqual(readdirSync(join(dir, 'new', 'deeper')), [], 'the probe is removed');
  });
  it('removes the temporary file a killed writer left, never one a live writer is still writing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-write-'));
    const dead = '.r.json.4194303.0a0b0c0d.tmp';
    const live = `.r.json.${process.pid}.0a0b0c0d.tmp`;
    writeFileSync(join(dir, dead), '{"half": ');
    writeFileSync(join(dir, live), '{"half": ');
    await writeAtomic('-o r.json', join(dir, 'r.json'), ['{}\n']);
    assert.deepEqual(readdirSync(dir).sort(), [live, 'r.json'].sort());
  });
  it('never replaces a device: /dev/null stays what it was', async () => {
    await assert.rejects(writeAtomic('-o /dev/null', '/dev/null', ['x']), (e: OutputError) => /not a regular file/.test(e.message));
  });
});
