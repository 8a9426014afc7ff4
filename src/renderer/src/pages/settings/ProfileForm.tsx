import { useState } from 'react';
import { ProfileFields, type Profile } from '../../../../shared/contract/profiles.ts';
import { Field } from '../../components/Field.tsx';

export type ProfileDraft = Record<'name' | 'description' | 'githubApiUrl' | 'openaiBaseUrl' | 'embeddingModel' | 'embeddingDimensions' | 'milvusCollection' | 'redisQueueKeys' | 'httpServices', string>;

export function toDraft(p: Profile): ProfileDraft {
  return {
    name: p.name,
    description: p.description,
    githubApiUrl: p.githubApiUrl,
    openaiBaseUrl: p.openaiBaseUrl,
    embeddingModel: p.embeddingModel,
    embeddingDimensions: String(p.embeddingDimensions),
    milvusCollection: p.milvusCollection,
    redisQueueKeys: p.redisQueueKeys.join(', '),
    httpServices: p.httpServices.map((s) => `${s.name} ${s.url}`).join('\n'),
  };
}

/** Validates a draft with the contract's own schema, so the form and the core agree. */
export function parseDraft(d: ProfileDraft) {
  return ProfileFields.safeParse({
    ...d,
    embeddingDimensions: Number(d.embeddingDimensions),
    redisQueueKeys: d.redisQueueKeys.split(',').map((s) => s.trim()).filter(Boolean),
    httpServices: d.httpServices
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const i = l.lastIndexOf(' ');
        return i > 0 ? { name: l.slice(0, i).trim(), url: l.slice(i + 1) } : { name: l, url: '' };
      }),
  });
}

export function ProfileForm({ profile, onSave }: { profile: Profile; onSave(fields: ReturnType<typeof ProfileFields.parse>): Promise<void> }) {
  const [draft, setDraft] = useState<ProfileDraft>(() => toDraft(profile));
  const parsed = parseDraft(draft);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
  const set = (k: keyof ProfileDraft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const dirty = JSON.stringify(draft) !== JSON.stringify(toDraft(profile));
  return (
    <form
      className="stack"
      aria-label="Profile settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.success) void onSave(parsed.data);
      }}
    >
      <div className="form-grid">
        <Field label="Name" value={draft.name} onChange={set('name')} error={errors.name} />
        <Field label="Description" value={draft.description} onChange={set('description')} error={errors.description} />
        <Field label="GitHub API URL" value={draft.githubApiUrl} onChange={set('githubApiUrl')} error={errors.githubApiUrl} hint="GitHub Enterprise: https://host/api/v3" />
        <Field label="OpenAI base URL" value={draft.openaiBaseUrl} onChange={set('openaiBaseUrl')} error={errors.openaiBaseUrl} hint="Any OpenAI-compatible provider" />
        <Field label="Embedding model" value={draft.embeddingModel} onChange={set('embeddingModel')} error={errors.embeddingModel} />
        <Field label="Embedding dimensions" inputMode="numeric" value={draft.embeddingDimensions} onChange={set('embeddingDimensions')} error={errors.embeddingDimensions} />
        <Field label="Milvus collection" value={draft.milvusCollection} onChange={set('milvusCollection')} error={errors.milvusCollection} />
        <Field label="Redis queue keys" value={draft.redisQueueKeys} onChange={set('redisQueueKeys')} error={errors.redisQueueKeys} hint="Comma separated; patterns like bull:*:wait" />
      </div>
      <div className="field">
        <label htmlFor="http-services">HTTP services (one per line: name URL)</label>
        <textarea id="http-services" className="input mono" rows={3} style={{ height: 'auto', padding: 6 }} value={draft.httpServices} onChange={set('httpServices')} aria-invalid={errors.httpServices ? true : undefined} placeholder="api https://api.example.com" />
        {errors.httpServices && <span className="error">{errors.httpServices}</span>}
      </div>
      <div className="row">
        <button className="btn btn-primary" type="submit" disabled={!dirty || !parsed.success}>
          Save profile
        </button>
        <button className="btn" type="button" disabled={!dirty} onClick={() => setDraft(toDraft(profile))}>
          Revert
        </button>
      </div>
    </form>
  );
}
