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
    throw new UsageError(
      'E_RETIRED',
      `--models ${name}: ${id} was retired on ${life.retires}, so every call to it would fail`,
      `benchmark its successor instead: --models ${life.successor}`,
    );
  }
  return { on: life.retires, successor: life.successor };
}

/** One line for a deprecated model that still answers: until when, and what to move to. */
export function retirementNote(spec: Pick<ModelSpec, 'name' | 'id' | 'retires'>): string | undefined {
  const retires = spec.retires;
  if (retires === undefined) return undefined;
  return `${spec.name}${spec.name === spec.id ? '' : ` (${spec.id})`} is deprecated and retires on ${retires.on}: calls to it fail from that day; benchmark its successor, ${retires.successor}`;
}

/** A provider's own list beside our table: what it says that we do not, and the reverse. */
export interface CatalogCheck {
  /** `lifecycle` (a stage we do not have) or `retires` (another day); ours and theirs in words. */
  differences: Array<{ model: string; field: 'lifecycle' | 'retires'; ours: string; theirs: string }>;
  /** Models it lists as current that the table does not price: new ones to add. */
  unpriced: string[];
  /** Our models of that provider it does not list at all: retired, or not open to the key. */
  unlisted: string[];
  /** Our models it lists with nothing to remark. */
  agreeing: string[];
}

/** Chat models in OpenAI's list (not audio, image, search or realtime variants, nor dated snapshots). */
const OPENAI_CHAT = /^gpt-\d+(\.\d+)?(-[a-z]+)*$/;
const OPENAI_OTHER = /audio|realtime|tts|transcribe|image|search|chat-latest|codex|instruct|research/;

/**
 * `ours`: the table's ids of this provider. `listed`: the provider's list, lifecycles where it
 * gives them (Anthropic); dated snapshots count as their base model.
 */
export function compareCatalog(
  ours: readonly string[],
  listed: ReadonlyArray<{ id: string; lifecycle?: 'active' | 'deprecated' | 'retired'; retiresOn?: string }>,
): CatalogCheck {
  const check: CatalogCheck = { differences: [], unpriced: [], unlisted: [], agreeing: [] };
  const table = Object.fromEntries(ours.map((id) => [id, id]));
  const seen = new Set<string>();
  for (const m of listed) {
    const id = byBaseId(table, m.id);
    if (id === undefined) {
      const current = m.lifecycle === undefined ? OPENAI_CHAT.test(m.id) && !OPENAI_OTHER.test(m.id) : m.lifecycle !== 'retired';
      if (current && /^(claude|gpt)-/.test(m.id)) check.unpriced.push(m.id);
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const life = LIFECYCLES[id];
    const theirs = m.lifecycle === undefined ? undefined : `${m.lifecycle}${m.retiresOn === undefined ? '' : `, retires ${m.retiresOn}`}`;
    if (m.lifecycle === 'active' && life !== undefined)
      check.differences.push({ model: id, field: 'lifecycle', ours: `retires ${life.retires}`, theirs: 'active' });
    else if (m.lifecycle !== undefined && m.lifecycle !== 'active' && life === undefined)
      check.differences.push({ model: id, field: 'lifecycle', ours: 'active', theirs: theirs! });
    else if (life !== undefined && m.retiresOn !== undefined && m.retiresOn !== life.retires)
      check.differences.push({ model: id, field: 'retires', ours: life.retires, theirs: m.retiresOn });
    else check.agreeing.push(id);
  }
  check.unlisted = ours.filter((id) => !seen.has(id));
  return check;
}
