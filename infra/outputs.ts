/**
 * The stack-output contract: what applications and other stacks may read through `StackReference`. Every stack kind
 * (azure and local) exports exactly these names with these types, so an application switches stacks without code
 * changes. docs/outputs.md documents it; tests/output-contract.test.ts fails when a stack breaks it.
 */
import type * as pulumi from "@pulumi/pulumi";

export type OutputType = "string" | "number" | "string-map" | "string-list";

export interface OutputSpec {
  readonly type: OutputType;
  readonly secret: boolean;
  readonly description: string;
  /** Present only when the platform config opts in. */
  readonly optional?: boolean;
}

export const OUTPUT_CONTRACT = {
  platformKind: { type: "string", secret: false, description: '"azure" or "local".' },
  environment: { type: "string", secret: false, description: "prod, dev or local." },
  resourceGroupName: { type: "string", secret: false, description: 'Azure resource group ("" on local).' },
  primaryServerName: {
    type: "string",
    secret: false,
    description: "Server name of the primary (container name on local).",
  },
  primaryServerId: { type: "string", secret: false, description: "ARM id of the primary (container id on local)." },
  writerFqdn: {
    type: "string",
    secret: false,
    description:
      "Host name applications connect to for writes: the writer virtual endpoint, which follows a switchover (D70); the primary's own name when no endpoints are configured.",
  },
  readerFqdn: {
    type: "string",
    secret: false,
    description:
      "Host name for read-only traffic: the reader virtual endpoint (D70); else the first replica's name, else the primary's.",
  },
  primaryFqdn: {
    type: "string",
    secret: false,
    description: "The primary server's own host name (for operators; applications use writerFqdn).",
  },
  port: { type: "number", secret: false, description: "TCP port (5432 on Azure)." },
  databaseName: { type: "string", secret: false, description: "The application database, phonebill_auth." },
  sslMode: {
    type: "string",
    secret: false,
    description:
      'libpq sslmode clients must use ("verify-full": the server\'s certificate and host name are checked before a password is sent).',
  },
  caCertificates: {
    type: "string",
    secret: false,
    description: "PEM bundle of the root CAs the server's certificate chains to (sslrootcert).",
  },
  replicaServerNames: {
    type: "string-map",
    secret: false,
    description: 'Replica server name by region (local: by "local").',
  },
  replicaFqdns: {
    type: "string-map",
    secret: false,
    description: "Each replica's own host name by region (for operators; applications use readerFqdn).",
  },
  replicaServerIds: { type: "string-map", secret: false, description: "Replica ARM id by region." },
  administratorLogin: {
    type: "string",
    secret: false,
    description: "Built-in administrator login (password only in Key Vault).",
  },
  applicationLogin: { type: "string", secret: false, description: "Login of the Auth service, phonebill_auth_user." },
  monitoringLogin: { type: "string", secret: false, description: "Read-only monitoring login, phonebill_monitor." },
  applicationPassword: {
    type: "string",
    secret: true,
    optional: true,
    description:
      "Password of applicationLogin. Secret, and only with platform.outputs.applicationPassword: true (local twin); on Azure consumers read Key Vault.",
  },
  keyVaultName: { type: "string", secret: false, description: 'Key Vault holding every password ("" on local).' },
  passwordSecretNames: {
    type: "string-map",
    secret: false,
    description: "Key Vault secret name by role (administrator, application, monitoring).",
  },
  jdbcUrl: {
    type: "string",
    secret: false,
    description: "JDBC URL of writerFqdn with sslmode=verify-full, without credentials.",
  },
} as const satisfies Record<string, OutputSpec>;

export type OutputName = keyof typeof OUTPUT_CONTRACT;

type ValueOf<T extends OutputType> = T extends "number"
  ? number
  : T extends "string-map"
    ? Record<string, pulumi.Input<string>>
    : T extends "string-list"
      ? string[]
      : string;

/** What a stack composition must return: every contract output, typed. */
type OptionalName = {
  [K in OutputName]: (typeof OUTPUT_CONTRACT)[K] extends { optional: true } ? K : never;
}[OutputName];

export type ContractOutputs = {
  readonly [K in Exclude<OutputName, OptionalName>]: pulumi.Input<ValueOf<(typeof OUTPUT_CONTRACT)[K]["type"]>>;
} & {
  readonly [K in OptionalName]?: pulumi.Input<ValueOf<(typeof OUTPUT_CONTRACT)[K]["type"]>>;
};

/** Violations of the contract in a set of resolved outputs (names missing or extra, wrong types, wrong secretness). */
export function contractViolations(outputs: Record<string, unknown>, secretOutputs: readonly string[]): string[] {
  const problems: string[] = [];
  const names = Object.keys(OUTPUT_CONTRACT) as OutputName[];
  for (const name of names) {
    const spec: OutputSpec = OUTPUT_CONTRACT[name];
    if (!(name in outputs)) {
      if (!spec.optional) problems.push(`${name}: missing`);
      continue;
    }
    const isSecret = secretOutputs.includes(name);
    if (spec.secret !== isSecret)
      problems.push(
        `${name}: ${isSecret ? "secret" : "not secret"}, contract says ${spec.secret ? "secret" : "not secret"}`,
      );
    if (isSecret) continue;
    const v = outputs[name];
    const ok =
      spec.type === "string"
        ? typeof v === "string"
        : spec.type === "number"
          ? typeof v === "number"
          : spec.type === "string-list"
            ? Array.isArray(v) && v.every((x) => typeof x === "string")
            : v !== null &&
              typeof v === "object" &&
              !Array.isArray(v) &&
              Object.values(v).every((x) => typeof x === "string");
    if (!ok) problems.push(`${name}: ${JSON.stringify(v)} is not a ${spec.type}`);
  }
  for (const name of Object.keys(outputs)) {
    if (!(name in OUTPUT_CONTRACT)) problems.push(`${name}: not in the contract`);
  }
  return problems;
}

/** pgjdbc's URL for a verified TLS connection; `rootCertPath` names the CA bundle when the client has it at a path. */
export function jdbcUrl(host: string, port: number, database: string, rootCertPath?: string): string {
  const root = rootCertPath ? `&sslrootcert=${rootCertPath}` : "";
  return `jdbc:postgresql://${host}:${port}/${database}?sslmode=verify-full${root}`;
}
