// What the reader must know about how calls ended, one line per model and kind, each with its fix.
// Pure: summaries in, sentences out.
import type { ModelSummary } from '../types.js';

const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

export function outcomeNotes(summaries: readonly ModelSummary[], maxTokens: (model: string) => number): string[] {
  const notes: string[] = [];
  for (const s of summaries) {
    if (s.truncated > 0) {
      const thinking = s.tokens.reasoning ? ', reasoning included' : '';
      notes.push(
        `${count(s.truncated, 'answer')} of ${s.model} hit the ${maxTokens(s.model).toLocaleString('en-US')}-token limit${thinking} and were cut (scored as given): raise --max-tokens`,
      );
    }
    if (s.refused > 0)
      notes.push(`${count(s.refused, 'answer')} of ${s.model} were refused by the model (a refusal or an output content filter; scored as given)`);
    if (s.empty > 0) notes.push(`${count(s.empty, 'answer')} of ${s.model} were empty (scored as given)`);
    const filtered = s.errors.byKind.content_filter ?? 0;
    if (filtered > 0)
      notes.push(`${count(filtered, 'input')} to ${s.model} were blocked by the provider's content filter before the model answered (not scored)`);
    if (s.estimatedUsage > 0) {
      notes.push(
        `${count(s.estimatedUsage, 'answer')} of ${s.model} came without token counts (the server sent no usage): their tokens and cost are estimated at about 4 characters a token`,
      );
    }
    if (s.charged !== undefined) {
      notes.push(`the cost of ${count(s.charged, 'answer')} of ${s.model} is what OpenRouter reported charging (usage.cost), not the price table's`);
    }
    const timeouts = s.errors.byKind.timeout ?? 0;
    if (timeouts > 0 && s.cost !== null) {
      notes.push(
        `${count(timeouts, 'call')} of ${s.model} timed out after ${timeouts === 1 ? 'it was' : 'they were'} sent: a provider may bill such calls, and their cost is not in the total (a lower bound, shown with ≥)`,
      );
    }
    if (s.requests.lost > 0) {
      notes.push(
        `${count(s.requests.lost, 'paid response')} of ${s.model} ${s.requests.lost === 1 ? 'was' : 'were'} cut off or stalled after it began: billed by the provider, not in the cost shown (a lower bound, shown with ≥)`,
      );
    }
  }
  return notes;
}
