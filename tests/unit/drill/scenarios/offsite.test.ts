/** The offsite repository's configuration: the Azure options pgBackRest needs, and never the key (it has its own file). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pgbackrestConf } from "../../../../drill/scenarios/offsite.js";
import { sharedKeySignature } from "../../../../drill/scenarios/azurite.js";

const conf = pgbackrestConf({
  account: "acct",
  container: "c",
  host: "127.0.0.1",
  port: 10000,
  caFile: "/x/ca.crt",
  dir: "/x/pgbackrest",
  pgPath: "/x/primary",
  pgPort: 5433,
  socketDir: "/x/sock",
});

test("pgbackrestConf: an Azure repository addressed path-style on the emulator, certificate verified", () => {
  for (const line of [
    "repo1-type=azure",
    "repo1-azure-account=acct",
    "repo1-azure-container=c",
    "repo1-azure-uri-style=path",
    "repo1-storage-host=127.0.0.1",
    "repo1-storage-port=10000",
    "repo1-storage-ca-file=/x/ca.crt",
    "[drill]",
    "pg1-path=/x/primary",
    "pg1-port=5433",
    "pg1-socket-path=/x/sock",
  ])
    assert.ok(conf.split("\n").includes(line), line);
  // TLS verification is never switched off.
  assert.doesNotMatch(conf, /verify-tls=n/);
});

test("negative control: the key is not in the main configuration", () => {
  assert.doesNotMatch(conf, /azure-key=/);
});

test("sharedKeySignature depends on every signed part", () => {
  const base = {
    verb: "PUT",
    account: "acct",
    key: Buffer.from("k".repeat(32)).toString("base64"),
    path: "/acct/c",
    query: { restype: "container" },
    msHeaders: { "x-ms-date": "Wed, 02 Dec 2026 18:00:00 GMT", "x-ms-version": "2021-12-02" },
  };
  const sig = sharedKeySignature(base);
  assert.match(sig, /^[A-Za-z0-9+/]{43}=$/);
  assert.equal(sharedKeySignature({ ...base }), sig);
  for (const changed of [
    { verb: "GET" },
    { path: "/acct/d" },
    { query: { restype: "service" } },
    { msHeaders: { ...base.msHeaders, "x-ms-version": "2020-01-01" } },
    { key: Buffer.from("j".repeat(32)).toString("base64") },
  ])
    assert.notEqual(sharedKeySignature({ ...base, ...changed }), sig, JSON.stringify(changed));
});
