import { Emulator, type EmulatorOptions } from '../emulator/server.js';

/** An emulator on a free port for the length of `fn`, closed afterwards whatever happens. */
export async function withEmulator<T>(options: EmulatorOptions, fn: (url: string, emulator: Emulator) => Promise<T>, host?: string): Promise<T> {
  const emulator = new Emulator(options);
  const url = await emulator.listen(0, host);
  try {
    return await fn(url, emulator);
  } finally {
    await emulator.close();
  }
}

/**
 * Resolves as the emulator counts its `n`th request (of `model`, or of any), before answering it:
 * the calls that request belongs to are still in flight, however loaded the machine.
 */
export function requested(emulator: Emulator, n: number, model?: string): Promise<void> {
  return new Promise((resolve) => {
    if (emulator.stats(model).requests >= n) return resolve();
    const off = emulator.onRequest(() => {
      if (emulator.stats(model).requests < n) return;
      off();
      resolve();
    });
  });
}
