/**
 * The error base. Every failure users can see is an EbbError with a stable `code` from the
 * catalogue in spec/catalogue.ts; callers match on `code`, never on message text. HTTP statuses
 * are chosen only at the edges (api/http-errors.ts, gateway/respond.ts).
 */
export class EbbError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EbbError";
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isEbbError(err: unknown, code?: string): err is EbbError {
  return err instanceof EbbError && (code === undefined || err.code === code);
}
