/** connect: TLS-only access (also for replication connections), the server parameters, a streaming replica in recovery. */
import { expectedShowValues, HOST, type Cluster, Workspace } from "../cluster.js";
import { pgBin, run } from "../exec.js";
import type { ScenarioOutcome } from "../report.js";

export async function connectScenario(ws: Workspace): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  const notes: string[] = [];
  // TLS through node-postgres, verifying the certificate and SAN (verify-full equivalent), and through libpq.
  const ssl = (
    await primary.query<{ ssl: boolean; version: string }>(
      "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    )
  )[0];
  const libpq = await run(
    pgBin("psql"),
    [
      "-X",
      "-A",
      "-t",
      "-c",
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
      `${primary.conninfo()} sslmode=verify-full sslrootcert=${ws.certFile}`,
    ],
    { env: ws.clientEnv(), allowFailure: true },
  );
  const tls = ssl?.ssl === true && libpq.code === 0 && libpq.stdout.trim() === "t" && /^TLSv1\.[23]$/.test(ssl.version);
  notes.push(
    `TLS session: ${ssl?.version ?? "none"}; libpq verify-full: ${libpq.code === 0 ? "ok" : libpq.stderr.trim()}`,
  );
  // Non-TLS connections (primary and replica, normal and replication) must be refused by pg_hba.
  const refusals = await Promise.all(
    [primary, replica].map((c) =>
      run(
        pgBin("psql"),
        [
          "-X",
          "-A",
          "-t",
          "-c",
          "SELECT 1",
          `host=${HOST} port=${c.port} dbname=postgres user=postgres sslmode=disable passfile=${ws.passfile}`,
        ],
        {
          env: ws.clientEnv(),
          allowFailure: true,
        },
      ),
    ),
  );
  const nonTlsRefused = refusals.every((r) => r.code !== 0 && /no encryption/.test(r.stderr));
  notes.push(`non-TLS attempt: ${refusals[0]?.stderr.trim().split("\n").pop() ?? ""}`);
  // A replication connection (the walsender protocol, as a standby or pg_basebackup opens it) without TLS must be
  // refused too, on both nodes ("hostnossl replication … reject"). Control: the same connection over TLS is accepted
  // and answers IDENTIFY_SYSTEM, so the refusal is pg_hba's TLS rule and not some other failure.
  const replication = (c: Cluster, sslmode: "disable" | "require") =>
    run(
      pgBin("psql"),
      [
        "-X",
        "-A",
        "-t",
        "-c",
        "IDENTIFY_SYSTEM",
        `host=${c.host} port=${c.port} dbname=postgres user=replicator replication=true sslmode=${sslmode} passfile=${ws.passfile}`,
      ],
      { env: ws.clientEnv(), allowFailure: true },
    );
  const replRefusals = await Promise.all([primary, replica].map((c) => replication(c, "disable")));
  const nonTlsReplicationRefused = replRefusals.every(
    (r) => r.code !== 0 && /rejects replication connection.*no encryption/.test(r.stderr),
  );
  const replTls = await Promise.all([primary, replica].map((c) => replication(c, "require")));
  const controlTlsReplicationAccepted = replTls.every((r) => r.code === 0 && /^\d+\|\d+\|/.test(r.stdout.trim()));
  notes.push(
    `non-TLS replication attempt: ${replRefusals[0]?.stderr.trim().split("\n").pop() ?? ""}; control over TLS: ${controlTlsReplicationAccepted ? "IDENTIFY_SYSTEM answered on both nodes" : `NOT accepted (${replTls.map((r) => r.stderr.trim()).join("; ")})`}`,
  );
  // Effective parameters equal the declared set, on the primary and on the replica.
  const expected = expectedShowValues();
  let matching = 0;
  const mismatches: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const [p, r] = await Promise.all([primary.scalar(`SHOW "${name}"`), replica.scalar(`SHOW "${name}"`)]);
    if (p === want && r === want) matching++;
    else mismatches.push(`${name}: declared ${want}, primary ${String(p)}, replica ${String(r)}`);
  }
  if (mismatches.length) notes.push(`parameter mismatches: ${mismatches.join("; ")}`);
  const replicaInRecovery = (await replica.scalar("SELECT pg_is_in_recovery()")) === true;
  const declared = Object.keys(expected).length;
  const metrics = {
    tls,
    nonTlsRefused,
    nonTlsReplicationRefused,
    controlTlsReplicationAccepted,
    parametersMatching: matching,
    parametersDeclared: declared,
    replicaInRecovery,
  };
  const targets = {
    tls: true,
    nonTlsRefused: true,
    nonTlsReplicationRefused: true,
    parametersMatching: declared,
    replicaInRecovery: true,
  };
  const passed =
    tls &&
    nonTlsRefused &&
    nonTlsReplicationRefused &&
    controlTlsReplicationAccepted &&
    matching === declared &&
    replicaInRecovery;
  const controls = [
    { name: "tls-replication-accepted", expectFailure: true as const, failed: controlTlsReplicationAccepted },
  ];
  return { results: [{ name: "connect", passed, metrics, targets, controls }], notes };
}
