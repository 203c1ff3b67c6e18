/**
 * Every error EVE bench raises on purpose is an EveError: it names what went wrong (`code`),
 * says whether trying again can help (`retriable`) and keeps the underlying `cause`.
 * Callers branch on `code`, never on message text.
 */
export class EveError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isEveError(e: unknown, code?: string): e is EveError {
  return e instanceof EveError && (code === undefined || e.code === code);
}
