// The embedding feature's job kinds (a leaf: the jobs and the service both name them).
export const EMBED_JOB = 'embed';
export const RELOAD_JOB = 'milvus-reload';
export const RECREATE_JOB = 'milvus-recreate';
