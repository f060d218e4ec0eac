// `tierbench emulate`: the emulator on its own, for trying the CLI or another tool against it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey, PROFILE, type Profile } from '../emulator/simulated.js';
import { UsageError } from '../errors.js';
import { regularFile } from '../files.js';
import { pathOf, says, validate } from '../validate.js';
import type { Ending } from './exit.js';
import type { EmulateFlags } from './flags.js';
import type { Io } from './io.js';

const PROFILES = v.array(
  PROFILE,
  says('give a JSON array of profiles: [{"ids": ["claude-haiku-5-5"], "accuracy": 0.9, "ttftMs": 100, "tokensPerSec": 80}]', 'must be an array'),
);
const NAMED = v.object({ ids: v.looseTuple([v.string()]) });

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
  const checked = validate(PROFILES, raw);
  if (checked.ok) return checked.value;
  // `profile 2 (claude-haiku-5-5) accuracy`: the profile by its place and its name, then the field.
  const [i, ...rest] = checked.problem.at;
  const item = Array.isArray(raw) && typeof i === 'number' ? raw[i] : undefined;
  const where = typeof i === 'number' ? [`profile ${i + 1}${v.is(NAMED, item) ? ` (${item.ids[0]})` : ''}`, ...(rest.length > 0 ? [pathOf(rest)] : [])] : [];
  throw new UsageError('E_PROFILES', `--profiles ${path}: ${[...where, checked.problem.what].join(' ')}`, checked.problem.fix);
}

export async function emulateCommand(flags: EmulateFlags, io: Io, wait: Promise<unknown>): Promise<Ending> {
  let key: AnswerKey | undefined;
  if (flags.key !== undefined) {
    const dataset = await loadDataset(resolve(io.cwd, flags.key), {
      ...(flags.inputCol !== undefined && { input: flags.inputCol }),
      ...(flags.expectedCol !== undefined && { expected: flags.expectedCol }),
    });
    key = await AnswerKey.fromDataset(dataset);
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
  return 'ok';
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
