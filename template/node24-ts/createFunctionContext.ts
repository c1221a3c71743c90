import type { FunctionContext } from './functionContract.ts';

/** How a request ended: through succeed or fail (or a returned value, which is succeed). */
export type FunctionOutcome =
  | { readonly kind: 'succeed'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly value: unknown }
  /** `status` is the one the handler set, if it set one other than 200. */
  | { readonly kind: 'fail'; readonly status: number | undefined; readonly headers: Readonly<Record<string, string>>; readonly value: unknown };

/**
 * The node18 template's context object: `status()`, `headers()`, `succeed()`, `fail()`.
 * `settle` is called once, with the first outcome; later calls are reported through `onRepeat`.
 */
export function createFunctionContext(settle: (outcome: FunctionOutcome) => void, onRepeat: () => void): FunctionContext & { readonly settled: () => boolean } {
  let statusCode = 200;
  let headerValues: Readonly<Record<string, string>> = {};
  let done = false;
  const finish = (outcome: FunctionOutcome): void => {
    if (done) {
      onRepeat();
      return;
    }
    done = true;
    settle(outcome);
  };
  const context = {
    status(code?: number) {
      if (code === undefined) return statusCode;
      statusCode = code;
      return context;
    },
    headers(values?: Readonly<Record<string, string>>) {
      if (values === undefined) return headerValues;
      headerValues = { ...values };
      return context;
    },
    succeed(value: unknown) {
      finish({ kind: 'succeed', status: statusCode, headers: headerValues, value });
    },
    fail(value: unknown) {
      finish({ kind: 'fail', status: statusCode === 200 ? undefined : statusCode, headers: headerValues, value });
    },
    settled: () => done,
  };
  return context as FunctionContext & { readonly settled: () => boolean };
}
