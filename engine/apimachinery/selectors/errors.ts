// A label or field selector the API server cannot use: answered as 400 BadRequest.
export class SelectorError extends Error {
  readonly code = 400;
  readonly reason = 'BadRequest';

  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}
