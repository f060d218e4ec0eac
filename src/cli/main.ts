// The entry: flags → command → exit code. The only place that decides exit codes. Command modules
// (and through them the SDKs) load lazily, so `--help` and `--version` stay fast.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CACHE_DIR, CACHE_TTL, TOLERANCE_PP } from '../defaults.js';
import { EXIT, formatError, TierbenchError, UsageError } from '../errors.js';
import { gateOptions } from './gate-flags.js';
import type { Io } from './io.js';
import { dollars, duration, flagName, fraction, nonNegativeInt, percentagePoints, port, positiveInt, seconds, signedPp, temperature } from './parse.js';

export type { Io } from './io.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function program(io: Io, setExit: (code: number) => void): Command {
  const v = version();
  const root = new Command('tierbench')
    .description(
      'Which is the cheapest model that is good enough on your data? Benchmarks LLMs on your test cases: accuracy with confidence intervals, latency, cost, and a recommendation.',
    )
    .version(v, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  gateOptions(root.command('run'))
    .description('run test cases against models and compare them')
    .argument('[file]', 'test cases: .csv, .tsv, .jsonl or .json (a header / keys naming the columns)')
    .option('-m, --models <list>', 'comma-separated: haiku,sonnet,openai:gpt-5-mini,openrouter:anthropic/claude-haiku-4.5,<endpoint>:<id>')
    .option('-p, --prompt <template>', 'user prompt with {{column}} variables (default: the input column)')
    .option('--prompt-file <path>', 'read the user prompt template from a file')
    .option('-s, --system <text>', 'system prompt ({{column}} variables allowed)')
    .option('--system-file <path>', 'read the system prompt from a file')
    .option('--input-col <name>', 'column holding the input (default: detected: input, prompt, question, text, ticket, …)')
    .option('--expected-col <name>', 'column holding the expected answer (default: detected: expected, label, answer, category, …)')
    .option('--category-col <name>', 'column to break accuracy down by (default: detected: category, topic, …)')
    .option(
      '--id-col <name>',
      "column holding each case's id, which pairs the cases of two runs (gate --baseline, compare) (default: detected: id, case_id, uid, key)",
    )
    .option(
      '--cluster-col <name>',
      'column naming the source each case came from (passage, conversation); intervals become cluster-robust (default: detected: cluster, source, passage_id, …)',
    )
    .option(
      '--scorer <name>',
      'exact | normalized | contains | regex | label | number | json (default: label for a small label set, number for numbers, else normalized)',
    )
    .option('--limit <n>', 'use only the first n cases (a pilot run)', positiveInt)
    .option('-c, --concurrency <n>', 'calls in flight at once, over all models', positiveInt, 16)
    .option('--model-concurrency <n>', 'cap on calls in flight per model', positiveInt)
    .option('--max-retries <n>', 'retries per call on 408/409/429/5xx and connection errors (done by the SDKs)', nonNegativeInt, 2)
    .option('--timeout <seconds>', 'per attempt: the longest wait for the response to begin, and then for each next piece of it', seconds, 60)
    .option('--deadline <seconds>', 'per call: the longest it may take in all, retries and their waits included', seconds, 600)
    .option('--repeats <n>', 'samples per case and model, averaged within each case (for temperature > 0 or nondeterministic models)', positiveInt, 1)
    .option('--max-tokens <n>', 'output token limit per call (default: 1024, or 16000 for a model that reasons: room for its thinking)', positiveInt)
    .option('--temperature <t>', 'sampling temperature (not sent where the API rejects it; the report notes it)', temperature)
    .option('--no-stream', 'do not stream (time to first token is then not measured)')
    .option('--tolerance <pp>', 'how far below the most accurate model, in percentage points, still counts as good enough', percentagePoints, TOLERANCE_PP)
    .option('--reference <model>', 'test cheaper models against this one only (default: each against every model that costs more)')
    .option('--by <column>', 'decide per value of this column (e.g. category) and print a routing table: the cheapest adequate model per value')
    .option('--routing-out <path>', 'with --by: write the routing map {"value": "model-id"} as JSON, for a router to load')
    .option('--cascade <cheap,big>', 'simulate a cascade: the cheap model answers and escalates to the big one when unsure (both must be in --models)')
    .option(
      '--cascade-samples <n>',
      'samples of the cheap model per case for the cascade; 2 or more adds agreement between samples as a confidence signal',
      positiveInt,
      1,
    )
    .option('--volume <n/period>', 'project costs at a volume: 500/day, 10k/month, 20/hour')
    .option(
      '--prompt-cache',
      'mark the system prompt for Anthropic prompt caching, as production would (OpenAI caches long prompts by itself); cache writes and reads are priced at their own rates',
    )
    .addOption(
      new Option(
        '--openai-api <api>',
        "OpenAI's own models through Chat Completions or the Responses API (default: Responses only for models that have nothing else, the -pro and -codex lines)",
      ).choices(['chat', 'responses']),
    )
    .option('--anthropic-version <date>', 'pin an older anthropic-version header (e.g. 2023-06-01)')
    .option('--allow-unpriced', 'run models without a known price; their cost is reported as unknown')
    .option('--config <path>', 'config file (default: ./tierbench.config.json when present)')
    .option('--max-cost <usd>', 'refuse to start when the estimate is over this, and stop scheduling once this much is spent', dollars)
    .option('--yes', 'start even when the cost estimate is over --max-cost')
    .option('--rpm <n>', 'at most this many requests per minute per model', positiveInt)
    .option('--tpm <n>', 'at most about this many tokens per minute per model', positiveInt)
    .option('--no-cache', 'call the models even for answers already in the response cache')
    .option('--cache-dir <dir>', 'response cache folder', CACHE_DIR)
    .addOption(
      new Option('--cache-ttl <duration>', 'how long a cached answer stays valid: 30d, 12h, …').argParser(duration).default(duration(CACHE_TTL), CACHE_TTL),
    )
    .option(
      '--follow-up <report>',
      'this run adds cases to that pilot run\'s data: its verdicts are the second look, at the error the pilot left (see "More cases")',
    )
    .option('--resume <run>', 'continue a stopped run (its id, or its .journal.jsonl): only the missing calls are made')
    .option('-o, --out <path>', 'where to write the JSON report (default: reports/<run id>.json)')
    .option('--report <formats>', 'also write these beside the JSON report: md, junit, html, csv (comma-separated)')
    .option('--junit-cases', 'in the JUnit report, a test case per case (wrong answers fail), not only per gate check')
    .option('--json', 'print the JSON report to stdout instead of the table')
    .option('--explain', 'after the table, what its figures and signs mean (pp, Δ, discordant, TTFT, …)')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string | undefined, flags, command: Command) => {
      if (flags.models === undefined && flags.resume === undefined) {
        throw new UsageError('E_USAGE', "required option '-m, --models <list>' not specified", 'name the models to compare, e.g. --models haiku,sonnet');
      }
      requireCompanions(command);
      const { runCommand } = await import('./run.js');
      // Which flags the user wrote (not defaults): --resume refuses those that would change the run.
      const given = Object.keys(flags).filter((name) => command.getOptionValueSource(name) === 'cli');
      setExit(await runCommand(file, flags, io, v, given));
    });

  root
    .command('demo')
    .description('run the bundled support-ticket suite on simulated haiku / sonnet / opus (offline, no keys, nothing billed)')
    .option('-c, --concurrency <n>', 'calls in flight at once', positiveInt, 48)
    .option('--no-stream', 'do not stream')
    .option('-o, --out <path>', 'where to write the JSON report (default: reports/<run id>.json)')
    .option('--report <formats>', 'also write these beside the JSON report: md, junit, html, csv')
    .option('--json', 'print the JSON report to stdout instead of the table')
    .option('--explain', 'after the table, what its figures and signs mean (pp, Δ, discordant, TTFT, …)')
    .option('-q, --quiet', 'no progress output')
    .action(async (flags) => {
      const { demoCommand } = await import('./demo.js');
      setExit(await demoCommand(flags, io, v));
    });

  gateOptions(root.command('gate'))
    .description('check a report against quality thresholds and a baseline; exit 1 when it fails')
    .argument('<report>', 'a JSON report written by tierbench run')
    .action(async (file: string, flags, command: Command) => {
      requireCompanions(command);
      const { gateCommand } = await import('./gate.js');
      setExit(await gateCommand(file, flags, io));
    });

  root
    .command('compare')
    .description('what changed per model between two reports, paired on the cases both ran')
    .argument('<old>', 'the earlier JSON report')
    .argument('<new>', 'the later JSON report')
    .option('--json', 'print the comparison as JSON')
    .action(async (oldFile: string, newFile: string, flags) => {
      const { compareCommand } = await import('./compare.js');
      setExit(await compareCommand(oldFile, newFile, flags, io));
    });

  root
    .command('plan')
    .description('how many cases a decision needs: from a pilot report or an assumed discordance')
    .option('--tolerance <pp>', 'the non-inferiority margin, in percentage points', percentagePoints, TOLERANCE_PP)
    .option('--from <report>', "a pilot run's JSON report: uses its observed discordance and Δ per candidate")
    .option('--discordance <d>', 'assumed share of cases where the two models disagree (0–1)', fraction)
    .option('--delta <pp>', 'assumed true difference for --discordance, in percentage points (negative: cheaper model worse)', signedPp, 0)
    .option('--power <p>', 'chance of a clear verdict when the cheaper model is as assumed', fraction, 0.8)
    .action(async (flags) => {
      const { planCommand } = await import('./plan.js');
      setExit(await planCommand(flags, io));
    });

  root
    .command('models')
    .description('list model aliases, ids and prices')
    .option('--config <path>', 'config file with extra prices, aliases and endpoints')
    .option('--sources', 'where each list price comes from, and when it was checked')
    .option('--check', 'compare the price table with a maintained one (@pydantic/genai-prices) and print what differs; exit 1 when anything does')
    .option(
      '--against <source>',
      'with --check: "latest" (fetch the newest from GitHub), a URL or a file of genai-prices data (default: the installed package\'s)',
    )
    .option(
      '--providers',
      "with --check: also read the providers' own model lists with your keys (Anthropic's gives lifecycles; OpenAI's, the ids your key can use)",
    )
    .action(async (flags: { config?: string; sources?: boolean; check?: boolean; against?: string; providers?: boolean }) => {
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
  cache
    .command('clear')
    .description('delete every cached answer')
    .option('--cache-dir <dir>', 'response cache folder', CACHE_DIR)
    .action(async (flags: { cacheDir: string }) => {
      const { clearCache } = await import('./cache.js');
      setExit(clearCache(flags.cacheDir, io));
    });
  cache
    .command('stats')
    .description('how many answers the cache holds, how old, how many a run would still use')
    .option('--cache-dir <dir>', 'response cache folder', CACHE_DIR)
    .addOption(
      new Option('--cache-ttl <duration>', 'count as expired the answers older than this: 30d, 12h, …')
        .argParser(duration)
        .default(duration(CACHE_TTL), CACHE_TTL),
    )
    .action(async (flags: { cacheDir: string; cacheTtl: number }) => {
      const { cacheStats } = await import('./cache.js');
      setExit(await cacheStats(flags.cacheDir, flags.cacheTtl, io));
    });

  root
    .command('emulate')
    .description('serve the Anthropic and OpenAI APIs locally with simulated models')
    .option('--port <n>', 'port to listen on (0: any free port)', port, 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <file>', 'answer key: a test-case file; simulated models answer from it')
    .option('--input-col <name>', 'input column of the answer key')
    .option('--expected-col <name>', 'expected-answer column of the answer key')
    .option('--profiles <file>', 'JSON array of simulated model profiles (default: haiku / sonnet / opus tiers; the fields: README, "Without keys")')
    .addOption(new Option('--api-key <key...>', 'accept only these keys (default: any)'))
    .option('--seed <text>', 'seed for the simulated answers')
    .action(async (flags) => {
      const { emulateCommand } = await import('./emulate.js');
      const stop = new Promise<void>((resolve) => {
        const off = (io.interrupts ?? processInterrupts)(() => {
          off();
          resolve();
        });
      });
      setExit(await emulateCommand(flags, io, stop));
    });

  return root;
}

/** Flags that do nothing without another: refused, so nobody believes a check ran that did not. */
function requireCompanions(command: Command): void {
  const o = command.opts();
  const gateCheck = ['minAccuracy', 'maxCostPer1k', 'maxP95Ms', 'maxErrorRate', 'baseline'].some((k) => o[k] !== undefined);
  // [option, whether what it needs is there, what it needs, how to add it]
  const rules: Array<[string, boolean, string, string]> = [
    ['maxRegression', o.baseline !== undefined, '--baseline', '--baseline <report>'],
    ['failOn', o.baseline !== undefined, '--baseline', '--baseline <report>'],
    ['strict', gateCheck, 'a gate check', 'a gate check (--min-accuracy, --max-cost-per-1k, --max-p95-ms, --max-error-rate or --baseline)'],
    ['junitCases', /(^|,)\s*junit\s*(,|$)/i.test(String(o.report ?? '')), '--report junit', '--report junit'],
    ['cascadeSamples', o.cascade !== undefined, '--cascade', '--cascade <cheap,big>'],
  ];
  for (const [name, met, needs, add] of rules) {
    if (met || command.getOptionValueSource(name) !== 'cli') continue;
    throw new UsageError('E_FLAGS', `${flagName(name)} does nothing without ${needs}`, `add ${add}, or drop ${flagName(name)}`);
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
  let exitCode: number = EXIT.ok;
  const { default: chalk } = await import('chalk');
  if (io.env.NO_COLOR !== undefined || !io.stdout.isTTY) chalk.level = 0;
  try {
    const root = program(io, (code) => {
      exitCode = code;
    });
    if (io.argv.length === 0) {
      io.stdout.write(root.helpInformation());
      return EXIT.usage;
    }
    await root.parseAsync(io.argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof TierbenchError) {
      io.stderr.write(formatError(err) + '\n');
      return err.exitCode;
    }
    io.stderr.write(`tierbench: unexpected error — this is a bug, please report it with the trace below\n${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.runFailed;
  }
}
