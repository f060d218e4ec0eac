// `--scorer embedding`, made ready in the prepare stage: the embedding model's key and client, its
// part of the response cache, and every reference embedded before the first candidate call, so an
// endpoint that fails (a wrong model id, a bad key, a server that is down) costs nothing else.
// With --no-cache the embeddings are still kept, in a file beside the run journal that lives as long
// as it does: a run stopped while scoring (a crash, Ctrl-C, --max-cost) pays for none twice on --resume.
import { basename, dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { EMBEDDINGS_FILE, ResponseCache } from '../execute/cache.js';
import { embeddingsClient } from '../providers/embeddings.js';
import { proxyFromEnv } from '../providers/transport.js';
import { outputError } from '../report/write.js';
import { EmbeddingError, EmbeddingScorer } from '../scoring/embedding.js';
import type { Case } from '../types.js';
import type { RunDeps, RunPlan } from './plan.js';

/** Where a run without the response cache keeps its embeddings until it completes. */
export const runEmbeddingsPath = (journalPath: string): string => journalPath.replace(/\.journal\.jsonl$/, '.embeddings.jsonl');

export async function openEmbeddingScorer(plan: RunPlan, env: RunDeps['env'], cases: readonly Case[], journalPath: string): Promise<EmbeddingScorer> {
  const spec = plan.embeddingModel;
  if (spec === undefined) throw new Error('--scorer embedding without an embedding model');
  const key = spec.apiKeyEnv === undefined ? undefined : env[spec.apiKeyEnv]?.trim();
  if (spec.apiKeyEnv !== undefined && !key) {
    throw new UsageError('E_NO_KEY', `--embedding-model ${spec.name}: ${spec.apiKeyEnv} is not set`, `export ${spec.apiKeyEnv}=<your key>`);
  }
  const proxy = proxyFromEnv(env);
  const client = await embeddingsClient(spec, {
    apiKey: key || 'none',
    maxRetries: plan.maxRetries,
    timeoutMs: plan.timeoutMs,
    ...(proxy !== undefined && { proxy }),
  });
  const store =
    plan.cache === null
      ? { dir: dirname(journalPath), ttlMs: Number.POSITIVE_INFINITY, file: basename(runEmbeddingsPath(journalPath)) }
      : { ...plan.cache, file: EMBEDDINGS_FILE };
  let cache: ResponseCache;
  try {
    cache = await ResponseCache.open(store.dir, store.ttlMs, Date.now, store.file);
  } catch (err) {
    throw outputError(plan.cache === null ? 'the run journal' : '--cache-dir', store.dir, err);
  }
  const scorer = new EmbeddingScorer(spec, client, { cache, paid: plan.cache === null });
  try {
    await scorer.embedReferences(cases);
  } catch (err) {
    scorer.close();
    if (err instanceof EmbeddingError)
      throw new UsageError('E_EMBEDDING', `--embedding-model ${spec.name}: ${err.problem}`, `${err.check}; nothing else was sent`);
    throw err;
  }
  return scorer;
}
