// Errors raised while applying a patch. Each carries the HTTP status and Status reason the
// API server should answer with, because upstream answers differently per failure: a
// malformed patch is 400, a JSON patch that does not apply is 422 with a generic message,
// and some strategic-merge failures surface as plain 500s.

/** Status.reason values used for patch failures ('' is upstream's StatusReasonUnknown). */
export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | '';

/** Upstream hides the detail of an inapplicable JSON patch behind this text. */
export const GENERIC_INVALID_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  /** HTTP status for the Status response. */
  readonly code: number;
  readonly reason: PatchErrorReason;
  /** Text for Status.message (may be less specific than `message`, as upstream's is). */
  readonly statusMessage: string;

  constructor(message: string, code = 400, reason: PatchErrorReason = 'BadRequest', statusMessage = message) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
    this.reason = reason;
    this.statusMessage = statusMessage;
  }

  /** 400: the patch document itself is malformed. */
  static badRequest(message: string): PatchError {
    return new PatchError(message, 400, 'BadRequest');
  }

  /** 422 whose Status message is upstream's generic text; `detail` stays in `message`. */
  static unprocessable(detail: string): PatchError {
    return new PatchError(detail, 422, 'Invalid', GENERIC_INVALID_MESSAGE);
  }

  /** 500 with no reason: what upstream answers for merge errors it does not classify. */
  static internal(message: string): PatchError {
    return new PatchError(message, 500, '');
  }
}

/** The patch types Skiff applies, in the order upstream lists them in its 415 message. */
export const SUPPORTED_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** A patch Content-Type we do not apply (server-side apply included, for now): 415. */
export class UnsupportedPatchError extends PatchError {
  readonly contentType: string;
  readonly accepted: readonly string[];

  constructor(contentType: string, accepted: readonly string[] = SUPPORTED_PATCH_TYPES) {
    super(
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      415,
      'UnsupportedMediaType',
    );
    this.name = 'UnsupportedPatchError';
    this.contentType = contentType;
    this.accepted = accepted;
  }
}
