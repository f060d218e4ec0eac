// When providers retire models, and what replaces them (provider deprecation pages and the
// Anthropic SDK's own list, as of 2026-11-26). A run on a deprecated model says so once, with the
// date and the successor; a retired one is refused before anything is sent, since every call
// would fail — on the built-in providers only: your own server or gateway may still serve a model
// of that name (it is then named as deprecated, no more).
import { UsageError } from '../errors.js';
import type { ModelSpec } from '../types.js';
import { byBaseId } from './prices.js';

export interface Lifecycle {
  /** The day calls start failing (YYYY-MM-DD). */
  retires: string;
  /** The model the provider points to instead: an alias or id `--models` takes. */
  successor: string;
  source: string;
}

const ANTHROPIC = 'Anthropic model deprecations page; the SDK warns until the day';
const OPENAI = 'OpenAI deprecations page';

export const LIFECYCLES: Readonly<Record<string, Lifecycle>> = {
  'claude-sonnet-4-5': { retires: '2026-11-30', successor: 'sonnet-4.6', source: ANTHROPIC },
  'gpt-5': { retires: '2026-12-11', successor: 'gpt-6.1-sol', source: OPENAI },
  'gpt-5-mini': { retires: '2026-12-11', successor: 'gpt-6.1-terra', source: OPENAI },
  'gpt-5-nano': { retires: '2026-12-11', successor: 'gpt-6-luna', source: OPENAI },
  'gpt-4.1': { retires: '2027-01-14', successor: 'gpt-6.1-sol', source: OPENAI },
  'gpt-4.1-mini': { retires: '2027-01-14', successor: 'gpt-6.1-terra', source: OPENAI },
  'gpt-4o-mini': { retires: '2027-01-14', successor: 'gpt-6-luna', source: OPENAI },
};

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** A deprecated model's retirement, for a `--models` name; with `refuse`, a retired one is refused: on or after its day every call would fail. */
export function retirement(name: string, id: string, today: Date, refuse: boolean): ModelSpec['retires'] {
  const life = byBaseId(LIFECYCLES, id);
  if (life === undefined) return undefined;
  if (refuse && day(today) >= life.retires) {
    throw new UsageError('E_RETIRED', `--models ${name}: ${id} was retired on ${life.retires}, so every call to it would fail`, `benchmark its successor instead: --models ${life.successor}`);
  }
  return { on: life.retires, successor: life.successor };
}

/** One line for a deprecated model that still answers: until when, and what to move to. */
export function retirementNote(spec: Pick<ModelSpec, 'name' | 'id' | 'retires'>): string | undefined {
  const retires = spec.retires;
  if (retires === undefined) return undefined;
  return `${spec.name}${spec.name === spec.id ? '' : ` (${spec.id})`} is deprecated and retires on ${retires.on}: calls to it fail from that day; benchmark its successor, ${retires.successor}`;
}
