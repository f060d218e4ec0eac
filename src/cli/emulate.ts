// `tierbench emulate`: the emulator on its own, for trying the CLI or another tool against it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, type Profile, QUIRKS } from '../emulator/simulated.js';
import { UsageError } from '../errors.js';
import { regularFile } from '../files.js';
import type { EmulateFlags } from './flags.js';
import type { Io } from './io.js';

async function readProfiles(path: string): Promise<Profile[]> {
  let raw: unknown;
  await regularFile(path, '--profiles');
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(
      'E_PROFILES',
      `--profiles ${path}: ${(err as Error).message}`,
      'give a JSON array of profiles: [{"ids": ["claude-haiku-5-5"], "accuracy": 0.9, "ttftMs": 100, "tokensPerSec": 80}]',
    );
  }
  if (
    !Array.isArray(raw) ||
    raw.some(
      (p) =>
        typeof p !== 'object' ||
        p === null ||
        !Array.isArray((p as Profile).ids) ||
        typeof (p as Profile).accuracy !== 'number' ||
        typeof (p as Profile).ttftMs !== 'number' ||
        typeof (p as Profile).tokensPerSec !== 'number',
    )
  ) {
    throw new UsageError(
      'E_PROFILES',
      `--profiles ${path}: every profile needs ids, accuracy, ttftMs and tokensPerSec`,
      'e.g. [{"ids": ["claude-haiku-5-5"], "accuracy": 0.9, "ttftMs": 100, "tokensPerSec": 80}]',
    );
  }
  for (const [i, p] of (raw as Profile[]).entries()) {
    const unknown = (p.quirks ?? []).find((q) => !(QUIRKS as readonly string[]).includes(q));
    if (unknown !== undefined)
      throw new UsageError(
        'E_PROFILES',
        `--profiles ${path}: profile ${i + 1} (${p.ids[0]}) has an unknown quirk "${unknown}"`,
        `the quirks are ${QUIRKS.join(', ')}`,
      );
  }
  return raw as Profile[];
}

export async function emulateCommand(flags: EmulateFlags, io: Io, wait: Promise<unknown>): Promise<number> {
  let key: AnswerKey | undefined;
  if (flags.key !== undefined) {
    const dataset = await loadDataset(resolve(io.cwd, flags.key), {
      ...(flags.inputCol !== undefined && { input: flags.inputCol }),
      ...(flags.expectedCol !== undefined && { expected: flags.expectedCol }),
    });
    key = AnswerKey.fromCases(dataset.cases, dataset.inputColumn);
  }
  const emulator = new Emulator({
    ...(key !== undefined && { key }),
    ...(flags.profiles !== undefined && { profiles: await readProfiles(resolve(io.cwd, flags.profiles)) }),
    ...(flags.apiKey !== undefined && { apiKeys: flags.apiKey }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  });
  const url = await emulator.listen(flags.port, flags.host).catch((err: unknown) => {
    throw listenError(flags, err);
  });
  io.stdout.write(`tierbench emulator listening on ${url}${key ? '' : ' (no --key: every prompt gets "I do not know.")'}\n`);
  io.stdout.write(`  export ANTHROPIC_BASE_URL=${url} OPENAI_BASE_URL=${url}/v1 ANTHROPIC_API_KEY=any OPENAI_API_KEY=any\n`);
  io.stdout.write(`  stats: ${url}/_emulator/stats — stop with Ctrl-C\n`);
  await wait;
  await emulator.close();
  return 0;
}

/** Why the emulator could not listen, in one line with the fix. */
function listenError({ port, host }: EmulateFlags, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new UsageError('E_PORT', `--port ${port}: the port is in use on ${host}`, 'stop what uses it, or choose another port (--port 0 takes any free one)');
  if (code === 'EACCES')
    return new UsageError('E_PORT', `--port ${port}: not allowed to listen on a port below 1024`, 'choose a port from 1024 up, or --port 0 for any free one');
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UsageError('E_HOST', `--host ${host}: not an address of this machine`, 'use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)');
  return err;
}
