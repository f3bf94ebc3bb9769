/** Parsers of the restoring server's log and the DR extrapolation; each shown able to reject. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { extrapolateRestore, parseLsn, parseRecoveryStop, parseRedo } from "../../../../drill/scenarios/pitr-log.js";

// Lines as PostgreSQL 15.20 printed them in a drill run (2026-12-02).
const LOG = [
  "LOG:  starting point-in-time recovery to XID 1791",
  "LOG:  redo starts at 0/4000028",
  "LOG:  recovery stopping after commit of transaction 1791, time 2026-12-02 17:42:31.003785+00",
  "LOG:  redo done at 0/5844C48 system usage: CPU: user: 0.08 s, system: 0.05 s, elapsed: 0.20 s",
].join("\n");

test("parseLsn reads X/Y as a byte position; a malformed LSN throws", () => {
  assert.equal(parseLsn("0/4000028"), 0x4000028n);
  assert.equal(parseLsn("1/0"), 1n << 32n);
  assert.throws(() => parseLsn("4000028"), /not an LSN/);
});

test("parseRedo: bytes between the redo LSNs and the server's elapsed time", () => {
  assert.deepEqual(parseRedo(LOG), {
    startLsn: "0/4000028",
    doneLsn: "0/5844C48",
    bytes: 0x5844c48 - 0x4000028,
    elapsedSeconds: 0.2,
  });
  assert.equal(parseRedo(LOG.split("\n").slice(0, 3).join("\n")), undefined, "no redo done line");
});

test("parseRecoveryStop: before/after commit and restore point; none without the line", () => {
  assert.deepEqual(parseRecoveryStop(LOG), {
    kind: "after-commit",
    xid: 1791,
    time: "2026-12-02 17:42:31.003785+00",
  });
  assert.deepEqual(
    parseRecoveryStop("LOG:  recovery stopping before commit of transaction 1781, time 2026-12-02 17:42:30.590319+00"),
    { kind: "before-commit", xid: 1781, time: "2026-12-02 17:42:30.590319+00" },
  );
  assert.deepEqual(parseRecoveryStop('LOG:  recovery stopping at restore point "rp", time 2026-12-02 17:42:30+00'), {
    kind: "restore-point",
    name: "rp",
    time: "2026-12-02 17:42:30+00",
  });
  assert.equal(parseRecoveryStop("FATAL:  recovery ended before configured recovery target was reached"), undefined);
});

test("extrapolateRestore: copy + replay against the RTO, and the WAL per day that still fits", () => {
  const e = extrapolateRestore({
    fullBackupBytes: 100e9,
    walPerDayBytes: 10e9,
    walDays: 7,
    copyBytesPerSecond: 200e6,
    replayBytesPerSecond: 100e6,
    rtoSeconds: 900,
  });
  assert.equal(e.copySeconds, 500);
  assert.equal(e.replaySeconds, 700);
  assert.equal(e.totalSeconds, 1200);
  assert.ok(Math.abs(e.maxWalPerDayBytes - (400 * 100e6) / 7) < 1);
  // A copy that alone exceeds the RTO leaves no WAL budget; zero rates are refused.
  assert.equal(
    extrapolateRestore({
      ...{ fullBackupBytes: 1e12, walPerDayBytes: 1, walDays: 7 },
      copyBytesPerSecond: 1e9,
      replayBytesPerSecond: 1e9,
      rtoSeconds: 900,
    }).maxWalPerDayBytes,
    0,
  );
  assert.throws(
    () =>
      extrapolateRestore({
        fullBackupBytes: 1,
        walPerDayBytes: 1,
        walDays: 7,
        copyBytesPerSecond: 0,
        replayBytesPerSecond: 1,
        rtoSeconds: 900,
      }),
    /positive/,
  );
});
