// Options declared as data: commander is given each table, and the type of the options object a
// command receives is derived from the same table, so no flag reaches a command as `any` and a
// flag cannot change its type in one place only.
import { type Command, Option } from 'commander';

/** One option, as commander takes it. */
interface OptionDef {
  /** Commander's flags string: `-c, --concurrency <n>`, `--no-stream`, `--api-key <key...>`. */
  readonly flags: string;
  readonly help: string;
  /** Reads the value; throws commander's InvalidArgumentError for a bad one. */
  readonly parse?: (value: string) => unknown;
  readonly choices?: readonly string[];
  readonly default?: unknown;
  /** For an optional value (`--flag [value]`): the value when the flag is given bare, read by `parse` like a given one. */
  readonly preset?: string;
  /** Shown in the help in place of the default value (a duration as it is written). */
  readonly defaultText?: string;
  /**
   * How a suite file may also write the value (src/config/suite.ts): `list`, a YAML list joined
   * with commas; `per-model`, a mapping of model to limit as well as one limit for all.
   */
  readonly shape?: 'list' | 'per-model';
}

/** A command's options, by the name commander gives their values (`--max-cost` → `maxCost`). */
export type OptionTable = Readonly<Record<string, OptionDef>>;

type ValueOf<D extends OptionDef> = D extends { parse: (value: string) => infer T }
  ? T
  : D extends { choices: ReadonlyArray<infer C> }
    ? C
    : D['flags'] extends `${string}...>`
      ? string[]
      : D['flags'] extends `${string}<${string}>`
        ? string
        : boolean;

/** Always set: a default, or a `--no-` flag (commander makes it true unless given). */
type Always<D extends OptionDef> = D extends { default: unknown } ? true : D['flags'] extends `--no-${string}` ? true : false;

/** The options object commander builds from `T`. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T as Always<T[K]> extends true ? K : never]: ValueOf<T[K]>;
} & {
  -readonly [K in keyof T as Always<T[K]> extends true ? never : K]?: ValueOf<T[K]>;
};

/** `command` with the options of `table`, in its order. */
export function addOptions(command: Command, table: OptionTable): Command {
  for (const def of Object.values(table)) {
    const option = new Option(def.flags, def.help);
    if (def.choices !== undefined) option.choices(def.choices);
    if (def.parse !== undefined) option.argParser(def.parse);
    if (def.default !== undefined) option.default(def.default, def.defaultText);
    if (def.preset !== undefined) option.preset(def.preset);
    command.addOption(option);
  }
  return command;
}
