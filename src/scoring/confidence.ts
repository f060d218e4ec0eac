// How sure the cheap model was of an answer, for a cascade deciding when to escalate. Pure.
// Sources, best first: the answer's token probability (log-probs), a confidence the model reported
// in JSON, agreement with its other samples; an answer outside the label set always gets 0.
import { extractJson } from './json.js';
import { findLabels } from './label.js';
import { normalize } from './normalize.js';

type ConfidenceSource = 'logprob' | 'self-report' | 'agreement' | 'label-set' | 'none';

export interface Confidence {
  value: number;
  source: ConfidenceSource;
}

export function makeConfidence(labels?: readonly string[]): (first: string, others: readonly string[], logprob?: number) => Confidence {
  const known = labels === undefined ? undefined : [...new Set(labels.map(normalize))].filter((l) => l !== '').sort((a, b) => b.length - a.length);
  /** The answer as a comparable key: the label it names, else its normalised text. */
  const canonical = (text: string): string => {
    const reported = reportedAnswer(text) ?? text;
    if (known === undefined) return normalize(reported);
    const found = findLabels(normalize(reported), known);
    return found.length === 1 ? found[0]! : '';
  };
  return (first, others, logprob) => {
    const answer = canonical(first);
    if (known !== undefined && answer === '') return { value: 0, source: 'label-set' };
    if (logprob !== undefined) return { value: Math.min(1, Math.exp(logprob)), source: 'logprob' };
    const reported = reportedConfidence(first);
    if (reported !== undefined) return { value: reported, source: 'self-report' };
    if (others.length > 0) return { value: others.filter((o) => canonical(o) === answer).length / others.length, source: 'agreement' };
    return { value: 1, source: known !== undefined ? 'label-set' : 'none' };
  };
}

function field(text: string, name: string): unknown {
  const parsed = extractJson(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[name] : undefined;
}

/** `{"confidence": 0.8}` or `{"confidence": 80}` → 0.8. */
export function reportedConfidence(text: string): number | undefined {
  const raw = field(text, 'confidence');
  const value = typeof raw === 'string' ? Number(raw.replace('%', '')) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.min(1, value > 1 ? value / 100 : value);
}

function reportedAnswer(text: string): string | undefined {
  const raw = field(text, 'answer') ?? field(text, 'label');
  return typeof raw === 'string' ? raw : undefined;
}
