/**
 * The rotation stamp as time: when a rotation period starts and when its secrets expire. Derived from the config stamp
 * rather than the clock, so the plan is the same on every run.
 */
import { ROTATION_PATTERN } from "./rules.js";

/**
 * Start of a rotation period as a UTC instant: "2026-11" is 2026-11-01T00:00:00Z, "2026-11-15" that day. Derived from the
 * config stamp rather than the clock, so the plan is the same on every run.
 */
export function rotationStart(rotation: string): Date {
  if (!ROTATION_PATTERN.test(rotation)) throw new Error(`rotation ${rotation} is not in YYYY-MM or YYYY-MM-DD form`);
  const [year, month, day = 1] = rotation.split("-").map(Number);
  const start = new Date(Date.UTC(year, month - 1, day));
  if (start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day)
    throw new Error(`rotation ${rotation} is not a calendar date`);
  return start;
}

/** Secret expiry (`attributes.expires`, Unix seconds): the rotation start plus the rotation period. */
export function rotationExpiry(rotation: string, rotationPeriodDays: number): number {
  return rotationStart(rotation).getTime() / 1000 + rotationPeriodDays * 86_400;
}
