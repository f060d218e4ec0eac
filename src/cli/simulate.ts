// `--simulate`: a run answered by simulated models on the built-in emulator, started in this process
// for the length of the run, as `tierbench demo` does: offline, no key, nothing billed. For trying a
// suite, a prompt or a CI pipeline before paying for it.
import { loadDataset } from '../cases/load.js';
import { Emulator } from '../emulator/server.js';
import { AnswerKey } from '../emulator/simulated.js';
import type { RunFlags } from './flags.js';
import type { Io } from './io.js';

/** The emulator, answering from the cases' expected column, for the length of `run`, which gets an environment pointing every built-in provider at it. */
export async function withSimulation<T>(datasetPath: string, flags: RunFlags, io: Io, run: (io: Io) => Promise<T>): Promise<T> {
  const dataset = await loadDataset(datasetPath, {
    ...(flags.inputCol !== undefined && { input: flags.inputCol }),
    ...(flags.expectedCol !== undefined && { expected: flags.expectedCol }),
  });
  const emulator = new Emulator({ key: await AnswerKey.fromDataset(dataset) });
  const url = await emulator.listen(0);
  try {
    return await run({ ...io, env: simulatedEnv(url, io) });
  } finally {
    await emulator.close();
  }
}

/**
 * A synthetic environment pointing every built-in provider at the emulator at `url`: the user's
 * real keys, base URLs and proxies are never read, so a simulated run or the demo cannot reach
 * (or bill) a real provider.
 */
export function simulatedEnv(url: string, io: Io): Io['env'] {
  return {
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: 'tierbench-simulated',
    OPENAI_BASE_URL: `${url}/v1`,
    OPENAI_API_KEY: 'tierbench-simulated',
    OPENROUTER_BASE_URL: `${url}/v1`,
    OPENROUTER_API_KEY: 'tierbench-simulated',
    // Not a provider setting: in a CI job, the summary still goes to the job's page.
    ...(io.env.GITHUB_STEP_SUMMARY !== undefined && { GITHUB_STEP_SUMMARY: io.env.GITHUB_STEP_SUMMARY }),
    ...(io.env.NO_COLOR !== undefined && { NO_COLOR: io.env.NO_COLOR }),
  };
}
