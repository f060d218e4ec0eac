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
