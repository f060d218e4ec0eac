// The judges, ready to call: keys checked, providers opened, human grades read — before the first
// call of the run, so a judge that cannot be reached costs nothing.
import { callCost } from '../analysis/cost.js';
import { UsageError } from '../errors.js';
import type { Target } from '../execute/fan-out.js';
import { createProvider, type Provider } from '../providers/provider.js';
import { proxyFromEnv } from '../providers/transport.js';
import type { Dataset } from '../types.js';
import { answerColumn, type HumanGrades, readHumanGrades } from './human.js';
import type { JudgePlan } from './plan.js';

export interface Judging {
  plan: JudgePlan;
  /** One per judge; a judge's provider is asked for temperature 0 (not sent where the API refuses it). */
  targets: Target[];
  providers: Provider[];
  human?: HumanGrades;
}

interface CallSettings {
  maxRetries: number;
  timeoutMs: number;
  deadlineMs: number;
  stream: boolean;
  anthropicVersion?: string;
}

export async function prepareJudging(
  judge: JudgePlan,
  dataset: Dataset,
  env: Readonly<Record<string, string | undefined>>,
  calls: CallSettings,
): Promise<Judging> {
  const human = judge.human === undefined ? undefined : readHumanGrades(dataset, judge.human.column, answerColumn(dataset, judge.human.answerColumn));
  const proxy = proxyFromEnv(env);
  const providers = await Promise.all(
    judge.models.map((spec) => {
      const key = spec.apiKeyEnv === undefined ? 'none' : env[spec.apiKeyEnv]?.trim();
      if (key === undefined || key === '') {
        throw new UsageError(
          'E_NO_KEY',
          `--judge ${spec.name}: ${spec.apiKeyEnv} is not set`,
          `export ${spec.apiKeyEnv}=<your key>, or choose another --judge`,
        );
      }
      return createProvider(spec, {
        apiKey: key,
        maxRetries: calls.maxRetries,
        timeoutMs: calls.timeoutMs,
        deadlineMs: calls.deadlineMs,
        ...(proxy !== undefined && { proxy }),
        stream: calls.stream,
        logprobs: false,
        // Grading should not vary from one ask to the next: temperature 0 wherever the API takes it.
        temperature: 0,
        ...(calls.anthropicVersion !== undefined && { anthropicVersion: calls.anthropicVersion }),
      });
    }),
  );
  const targets: Target[] = judge.models.map((spec, j) => ({ spec, provider: providers[j]!, samples: 1, cost: (u) => callCost(u, spec.prices) }));
  return { plan: judge, targets, providers, ...(human !== undefined && { human }) };
}
