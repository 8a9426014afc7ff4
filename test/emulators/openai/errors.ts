// OpenAI-shaped errors: `{ error: { message, type, param, code } }`, messages as the real API words them.

export interface ApiError {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
  headers?: Record<string, string>;
}

export function errorBody(e: ApiError): string {
  return JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code } });
}

const invalid = (status: number, message: string, param: string | null = null, code: string | null = null): ApiError => ({
  status,
  message,
  type: 'invalid_request_error',
  param,
  code,
});

/** Like OpenAI: first 8 characters, a star per hidden character, last 4. */
export function maskApiKey(key: string): string {
  if (key.length <= 12) return key;
  return key.slice(0, 8) + '*'.repeat(key.length - 12) + key.slice(-4);
}

export const missingApiKey = (): ApiError =>
  invalid(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  );

export const invalidApiKey = (key: string): ApiError =>
  invalid(401, `Incorrect API key provided: ${maskApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key');

export const invalidUrl = (method: string, path: string): ApiError => invalid(404, `Invalid URL (${method} ${path})`);

export const invalidMethod = (method: string, path: string): ApiError => invalid(405, `Invalid method for URL (${method} ${path})`);

export const invalidJson = (): ApiError =>
  invalid(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  );

export const invalidInput = (): ApiError => invalid(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");

export const missingModel = (): ApiError => invalid(400, 'you must provide a model parameter');

export const unknownArgument = (name: string): ApiError => invalid(400, `Unrecognized request argument supplied: ${name}`);

export const invalidType = (param: string, expected: string, value: unknown): ApiError =>
  invalid(400, `Invalid type for '${param}': expected ${expected}, but got ${jsonType(value)} instead.`, param, 'invalid_type');

export const invalidEncodingFormat = (value: string): ApiError =>
  invalid(400, `Invalid value: '${value}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value');

export const dimensionsOutOfRange = (value: number, max: number): ApiError =>
  value < 1
    ? invalid(400, `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${value} instead.`, 'dimensions', 'integer_below_min_value')
    : invalid(400, `Invalid 'dimensions': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`, 'dimensions', 'integer_above_max_value');

export const dimensionsUnsupported = (): ApiError => invalid(400, 'This model does not support specifying dimensions.');

export const embeddingModelNotFound = (id: string): ApiError =>
  invalid(404, `The model \`${id}\` does not exist or you do not have access to it.`, null, 'model_not_found');

export const modelNotFound = (id: string): ApiError => invalid(404, `The model '${id}' does not exist`, 'model', 'model_not_found');

export const contextLengthExceeded = (max: number, tokens: number): ApiError =>
  invalid(
    400,
    `This model's maximum context length is ${max} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
    'input',
  );

export const tooManyTokensPerRequest = (tokens: number, max: number): ApiError => ({
  status: 400,
  message: `Requested ${tokens} tokens, max ${max} tokens per request`,
  type: 'max_tokens_per_request',
  param: null,
  code: 'max_tokens_per_request',
});

export const insufficientQuota = (): ApiError => ({
  status: 429,
  message:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
  type: 'insufficient_quota',
  param: null,
  code: 'insufficient_quota',
});

export const serverError = (status: number): ApiError => ({
  status,
  message:
    status === 503
      ? 'The engine is currently overloaded, please try again later.'
      : status === 500
        ? 'The server had an error while processing your request. Sorry about that!'
        : 'Bad gateway.',
  type: 'server_error',
  param: null,
  code: null,
});

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a string';
}

const RATE_LIMITS_URL = 'Visit https://platform.openai.com/account/rate-limits to learn more.';
const unitName = { requests: 'requests per min (RPM)', tokens: 'tokens per min (TPM)' } as const;

export interface RateLimitDetails {
  kind: 'requests' | 'tokens';
  model: string;
  organization: string;
  limit: number;
  used: number;
  requested: number;
  /** Already formatted, e.g. "71ms". */
  retryIn: string;
}

export const rateLimitReached = (d: RateLimitDetails): ApiError => ({
  status: 429,
  message: `Rate limit reached for ${d.model} in organization ${d.organization} on ${unitName[d.kind]}: Limit ${d.limit}, Used ${d.used}, Requested ${d.requested}. Please try again in ${d.retryIn}. ${RATE_LIMITS_URL}`,
  type: d.kind,
  param: null,
  code: 'rate_limit_exceeded',
});

export const requestTooLarge = (model: string, organization: string, limit: number, requested: number): ApiError => ({
  status: 429,
  message: `Request too large for ${model} in organization ${organization} on tokens per min (TPM): Limit ${limit}, Requested ${requested}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMITS_URL}`,
  type: 'tokens',
  param: null,
  code: 'rate_limit_exceeded',
});
