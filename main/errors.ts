import type { ContractErrorShape, ErrorCode } from './contract/errors';

/** An error with a stable code. Its `message` is for logs and administrators; users see the localised code. */
export class TabibError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'TabibError';
  }

  toShape(): ContractErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Maps any thrown value to the boundary shape; unknown failures become INTERNAL without leaking a stack. */
export function toErrorShape(error: unknown): ContractErrorShape {
  if (error instanceof TabibError) return error.toShape();
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return { code: 'DISK_FULL', message: 'The disk is full; nothing was written.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
