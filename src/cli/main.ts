// The entry: flags → command → exit code. The only place that decides exit codes. Command modules
// (and through them the SDKs) load lazily, so `--help` and `--version` stay fast.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { formatError, TierbenchError, UsageError } from '../errors.js';
import { isModulePath } from './custom-flags.js';
import { type Ending, exitCode } from './exit.js';
import {
  CACHE_CLEAR_OPTIONS,
  CACHE_STATS_OPTIONS,
  COMPARE_OPTIONS,
  type CompareFlags,
  DEMO_OPTIONS,
  type DemoFlags,
  EMULATE_OPTIONS,
  type EmulateFlags,
  GATE_OPTIONS,
  type GateFlags,
  INIT_OPTIONS,
  type InitFlags,
  MERGE_OPTIONS,
  type MergeFlags,
  MODELS_OPTIONS,
  type ModelsFlags,
  modelList,
  PLAN_OPTIONS,
  type PlanFlags,
  RUN_OPTIONS,
  type RunFlags,
} from './flags.js';
import type { Io } from './io.js';
import { addOptions, type OptionValues } from './options.js';
import { flagName } from './parse.js';

export type { Io } from './io.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function program(io: Io, setExit: (end: Ending) => void): Command {
  const v = version();
  const root = new Command('tierbench')
    .description(
      'Which is the cheapest model that is good enough on your data? Benchmarks LLMs on your test cases: accuracy with confidence intervals, latency, cost, and a recommendation.',
    )
    .version(v, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  addOptions(root.command('run'), { ...GATE_OPTIONS, ...RUN_OPTIONS })
    .description('run test cases against models and compare them')
    .argument(
      '[file]',
      'test cases (.csv, .tsv, .jsonl or .json: a header / keys naming the columns), or a suite file (.yaml, .yml, .json): tierbench init writes one',
    )
    .action(async (file: string | undefined, _flags: RunFlags, command: Command) => {
      // A suite file sets the options the command line does not.
      const suite = file !== undefined && SUITE_FILE.test(file) ? await (await import('./suite.js')).applySuite(command, file, io.cwd) : undefined;
      const flags = command.opts<RunFlags>();
      if (flags.resume === undefined) modelList(flags, suite?.file);
      requireCompanions(command, suite?.at);
      const { runCommand } = await import('./run.js');
      // Which flags the user wrote (not defaults, nor a suite's): --resume refuses those that would change the run.
      const given = Object.keys(flags).filter((name) => command.getOptionValueSource(name) === 'cli');
      setExit(await runCommand(suite?.dataset ?? file, flags, io, v, given, suite));
    });

  addOptions(root.command('init'), INIT_OPTIONS)
    .description('write a commented starter suite (tierbench.suite.yaml) that runs offline as written')
    .argument('[file]', 'where to write it', 'tierbench.suite.yaml')
    .action(async (file: string, flags: InitFlags) => {
      const { initCommand } = await import('./init.js');
      setExit(await initCommand(file, flags, io));
    });

  addOptions(root.command('demo'), DEMO_OPTIONS)
    .description('run the bundled support-ticket suite on simulated haiku / sonnet / opus (offline, no keys, nothing billed)')
    .action(async (flags: DemoFlags) => {
      const { demoCommand } = await import('./demo.js');
      setExit(await demoCommand(flags, io, v));
    });

  addOptions(root.command('gate'), GATE_OPTIONS)
    .description('check a report against quality thresholds and a baseline; exit 1 when it fails')
    .argument('<report>', 'a JSON report written by tierbench run')
    .action(async (file: string, flags: GateFlags, command: Command) => {
      requireCompanions(command);
      const { gateCommand } = await import('./gate.js');
      setExit(await gateCommand(file, flags, io));
    });

  addOptions(root.command('compare'), COMPARE_OPTIONS)
    .description('what changed per model between two reports, paired on the cases both ran')
    .argument('<old>', 'the earlier JSON report')
    .argument('<new>', 'the later JSON report')
    .action(async (oldFile: string, newFile: string, flags: CompareFlags) => {
      const { compareCommand } = await import('./compare.js');
      setExit(await compareCommand(oldFile, newFile, flags, io));
    });

  addOptions(root.command('merge'), { ...GATE_OPTIONS, ...MERGE_OPTIONS })
    .description('combine the reports of run --shard 1/n … n/n into one, every statistic computed again on all the cases')
    .argument('<reports...>', "every shard's JSON report")
    .action(async (files: string[], flags: MergeFlags, command: Command) => {
      requireCompanions(command);
      const { mergeCommand } = await import('./merge.js');
      setExit(await mergeCommand(files, flags, io, v));
    });

  addOptions(root.command('plan'), PLAN_OPTIONS)
    .description('how many cases a decision needs: from a pilot report or an assumed discordance')
    .action(async (flags: PlanFlags) => {
      const { planCommand } = await import('./plan.js');
      setExit(await planCommand(flags, io));
    });

  addToolCommands(root, io, setExit);
  return root;
}

/** The commands around a run: the model list and price check, the cache, the emulator. */
function addToolCommands(root: Command, io: Io, setExit: (end: Ending) => void): void {
  addOptions(root.command('models'), MODELS_OPTIONS)
    .description('list model aliases, ids and prices')
    .action(async (flags: ModelsFlags) => {
      for (const flag of ['against', 'providers'] as const) {
        if (flags[flag] !== undefined && flags.check !== true)
          throw new UsageError('E_USAGE', `--${flag} is for --check`, `run tierbench models --check --${flag}${flag === 'against' ? ' latest' : ''}`);
      }
      if (flags.check === true) {
        const { checkPrices } = await import('./check.js');
        setExit(await checkPrices(flags, io));
        return;
      }
      const { modelsCommand } = await import('./models.js');
      setExit(await modelsCommand(flags, io));
    });

  const cache = root.command('cache').description('look into or empty the response cache');
  addOptions(cache.command('clear'), CACHE_CLEAR_OPTIONS)
    .description('delete every cached answer')
    .action(async (flags: OptionValues<typeof CACHE_CLEAR_OPTIONS>) => {
      const { clearCache } = await import('./cache.js');
      setExit(clearCache(flags.cacheDir, io));
    });
  addOptions(cache.command('stats'), CACHE_STATS_OPTIONS)
    .description('how many answers the cache holds, how old, how many a run would still use')
    .action(async (flags: OptionValues<typeof CACHE_STATS_OPTIONS>) => {
      const { cacheStats } = await import('./cache.js');
      setExit(await cacheStats(flags.cacheDir, flags.cacheTtl, io));
    });

  addOptions(root.command('emulate'), EMULATE_OPTIONS)
    .description('serve the Anthropic and OpenAI APIs locally with simulated models')
    .action(async (flags: EmulateFlags) => {
      const { emulateCommand } = await import('./emulate.js');
      const stop = new Promise<void>((resolve) => {
        const off = (io.interrupts ?? processInterrupts)(() => {
          off();
          resolve();
        });
      });
      setExit(await emulateCommand(flags, io, stop));
    });
}

/** A suite file by its name (a .json one is told from a .json of cases by its content). */
const SUITE_FILE = /\.(ya?ml|json)$/i;

/** Flags that do nothing without another: refused, so nobody believes a check ran that did not. `at`: where a suite file set each. */
function requireCompanions(command: Command, at: Readonly<Record<string, string>> = {}): void {
  // `gate` has the gate options only.
  const o = command.opts<GateFlags & Partial<RunFlags>>();
  const gateCheck = (['minAccuracy', 'maxCostPer1k', 'maxP95Ms', 'maxErrorRate', 'baseline'] as const).some((k) => o[k] !== undefined);
  // [option, whether what it needs is there, what it needs, how to add it]
  const rules: Array<[keyof RunFlags, boolean, string, string]> = [
    ['maxRegression', o.baseline !== undefined, '--baseline', '--baseline <report>'],
    ['failOn', o.baseline !== undefined, '--baseline', '--baseline <report>'],
    ['strict', gateCheck, 'a gate check', 'a gate check (--min-accuracy, --max-cost-per-1k, --max-p95-ms, --max-error-rate or --baseline)'],
    ['junitCases', /(^|,)\s*junit\s*(,|$)/i.test(String(o.report ?? '')), '--report junit', '--report junit'],
    ['cascadeSamples', o.cascade !== undefined, '--cascade', '--cascade <cheap,big>'],
    ['seed', o.sample !== undefined || o.resume !== undefined, '--sample', '--sample <n>'],
    ['structuredOutput', o.schema !== undefined || o.resume !== undefined, '--schema', '--schema <file>'],
    ...(['scorerTimeout', 'scorerConcurrency'] as const).map((name): [keyof RunFlags, boolean, string, string] => [
      name,
      o.scorerCmd !== undefined || (o.scorer !== undefined && isModulePath(o.scorer)) || o.resume !== undefined,
      'a scorer of your own',
      '--scorer ./my-scorer.mjs or --scorer-cmd "…"',
    ]),
  ];
  for (const [name, met, needs, add] of rules) {
    const source = command.getOptionValueSource(name);
    if (met || (source !== 'cli' && source !== 'config')) continue;
    const where = source === 'config' && at[name] !== undefined ? `${at[name]}: ` : '';
    throw new UsageError('E_FLAGS', `${where}${flagName(name)} does nothing without ${needs}`, `add ${add}, or drop ${flagName(name)}`);
  }
}

/**
 * Ctrl-C as a subscription: while anyone listens, SIGINT no longer kills the process. SIGTERM (a
 * CI job cancelled, a container stopped) is taken the same way: stop scheduling, keep what was paid.
 */
function processInterrupts(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function main(io: Io): Promise<number> {
  io = { interrupts: processInterrupts, ...io };
  let ending: Ending = 'ok';
  const { default: chalk } = await import('chalk');
  if (io.env.NO_COLOR !== undefined || !io.stdout.isTTY) chalk.level = 0;
  try {
    const root = program(io, (end) => {
      ending = end;
    });
    if (io.argv.length === 0) {
      io.stdout.write(root.helpInformation());
      return exitCode('usage');
    }
    await root.parseAsync(io.argv, { from: 'user' });
    return exitCode(ending);
  } catch (err) {
    if (err instanceof TierbenchError) io.stderr.write(`${formatError(err)}\n`);
    else if (!(err instanceof CommanderError))
      io.stderr.write(`tierbench: unexpected error — this is a bug, please report it with the trace below\n${(err as Error)?.stack ?? String(err)}\n`);
    return exitCode({ thrown: err });
  }
}
