/**
 * `eventually(check, { timeout, interval })`: poll until `check` returns a value other than undefined/false, or throw
 * once `timeout` ms have passed — naming what was awaited and the last error the check threw. One helper instead of
 * hand-written polling loops, so every wait in the drill has a stated deadline.
 */
import { sleep } from "./exec.js";

export interface EventuallyOptions {
  timeout: number;
  interval: number;
  /** What is awaited, for the error message. */
  what?: string;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : JSON.stringify(e));

export class EventuallyTimeout extends Error {
  constructor(
    what: string,
    readonly timeoutMs: number,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}` +
        (lastError === undefined ? "" : `; last error: ${describe(lastError)}`),
    );
  }
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  o: EventuallyOptions,
): Promise<T> {
  const until = performance.now() + o.timeout;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts++;
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (performance.now() >= until)
      throw new EventuallyTimeout(o.what ?? "a condition", o.timeout, attempts, lastError);
    await sleep(o.interval);
  }
}
