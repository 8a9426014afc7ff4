import { OpsError } from '../../shared/errors.ts';
import type { RemovalPreview } from '../../shared/contract/repos.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { Logger } from '../logging/logger.ts';
import type { SyncService } from './sync-service.ts';

/**
 * Removing a repository also reaches into Milvus, where its vectors would otherwise stay
 * searchable forever: the preview counts them, and removal deletes them first (so a Milvus
 * failure leaves everything as it was, to retry) when the operator asked for it.
 */
export class RepositoryRemoval {
  private readonly sync: SyncService;
  private readonly embeddings: () => EmbeddingService;
  private readonly log: Logger;

  constructor(sync: SyncService, embeddings: () => EmbeddingService, log: Logger) {
    this.sync = sync;
    this.embeddings = embeddings;
    this.log = log;
  }

  async preview(id: string): Promise<RemovalPreview> {
    const repo = (await this.sync.list()).find((r) => r.id === id);
    if (!repo) throw new OpsError('not_found', 'No such tracked repository');
    const base = { repository: repo.fullName, pullRequests: repo.counts.pullRequests, issues: repo.counts.issues };
    try {
      const emb = this.embeddings();
      const collection = emb.config().collection;
      const store = await emb.vectorStore();
      const stats = await store.stats(collection);
      const count = stats.exists ? await store.collection(collection).count(await this.vectorFilter(id, repo.fullName)) : 0;
      return { ...base, vectors: { collection, count }, vectorsError: null };
    } catch (e) {
      return { ...base, vectors: null, vectorsError: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Its vectors carry its GitHub id (stable across renames); older rows only the name. */
  private async vectorFilter(id: string, fullName: string): Promise<{ repositoryId: number } | { repository: string }> {
    const githubId = await this.sync.githubId(id);
    return githubId !== null ? { repositoryId: githubId } : { repository: fullName };
  }

  async remove(id: string, deleteVectors: boolean): Promise<number | null> {
    const repo = (await this.sync.list()).find((r) => r.id === id);
    if (!repo) throw new OpsError('not_found', 'No such tracked repository');
    let deleted: number | null = null;
    if (deleteVectors) {
      const emb = this.embeddings();
      const collection = emb.config().collection;
      try {
        const store = await emb.vectorStore();
        deleted = (await store.stats(collection)).exists ? await store.collection(collection).deleteRepository(await this.vectorFilter(id, repo.fullName)) : 0;
      } catch (e) {
        throw new OpsError('unavailable', `Could not delete the vectors of ${repo.fullName} from Milvus (${e instanceof Error ? e.message : String(e)}); nothing was removed. Retry, or remove the repository without its vectors.`);
      }
      this.log.info('repository_vectors_deleted', `Deleted ${deleted} vectors of ${repo.fullName} from ${collection}`, { repository: repo.fullName, collection, deleted });
    }
    await this.sync.untrack(id);
    this.log.info('repository_untracked', `Stopped tracking ${repo.fullName}${deleteVectors ? '' : ' (its vectors stay in Milvus)'}`, { repository: repo.fullName });
    return deleted;
  }
}
