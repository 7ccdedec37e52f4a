/** Stable error codes that cross the HTTP boundary as `{ "error": { "code", "message" } }`. */
export type ErrorCode =
  | 'BUNDLE_NOT_FOUND'
  | 'BUNDLE_BAD_MAGIC'
  | 'BUNDLE_UNKNOWN_VERSION'
  | 'BUNDLE_TRUNCATED'
  | 'BUNDLE_MANIFEST_NOT_JSON'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_HASH_MISMATCH'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_OUTPUT_MISMATCH'
  | 'MODEL_INPUT_MISMATCH'
  | 'LABELS_INVALID'
  | 'NO_IMAGE_FIELD'
  | 'NOT_AN_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_READY'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_HOST'
  | 'PORT_IN_USE'
  | 'SLOT_START_FAILED'
  | 'UNKNOWN_SLOT'
  | 'HOST_NOT_RUNNING'
  | 'SETTINGS_INVALID'
  | 'INTERNAL';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
