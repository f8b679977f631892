/** A problem with one input: it is reported in `errors[]` and the rest of the work goes on. */
export interface InputError {
  source: string;
  line?: number;
  message: string;
}

/** A remark about an input that is not a failure (a skipped non-Kubernetes document, ...). */
export interface InputNote {
  source: string;
  line?: number;
  message: string;
}

/** A mistake on the command line or in the configuration: exit code 2, nothing is scanned. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
