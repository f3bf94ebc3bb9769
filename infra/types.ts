/** Shapes that pass between components. */
import type * as pulumi from "@pulumi/pulumi";

export type Tags = Readonly<Record<string, string>>;

export type ServerRole = "primary" | "replica";

/** A PostgreSQL server as the monitoring, consumer and output layers see it. */
export interface ServerRef {
  readonly role: ServerRole;
  /** Azure server name (also the logical name used in child resource names). */
  readonly name: string;
  readonly region: string;
  readonly id: pulumi.Output<string>;
  readonly fqdn: pulumi.Output<string>;
  /** max_connections on this server (the connection alert's base). */
  readonly maxConnections: number;
  /** Query Store captures on this server (off on Burstable; replicas never record). */
  readonly queryStore: boolean;
  /** The server resource itself, for dependsOn. */
  readonly resource: pulumi.Resource;
}

/** The role names of the generated credentials. */
export interface RoleLogins {
  readonly administrator: string;
  readonly application: string;
  readonly monitoring: string;
}

/** The plan's in-database roles; the administrator login comes from the platform config. */
export const APPLICATION_LOGIN = "phonebill_auth_user";
export const MONITORING_LOGIN = "phonebill_monitor";

/** The roles with a generated password. */
export type PasswordRole = "administrator" | "application" | "monitoring";
export const PASSWORD_ROLES: readonly PasswordRole[] = ["administrator", "application", "monitoring"];

/** PostgreSQL's port on every server (Azure: the only one besides PgBouncer's 6432). */
export const POSTGRES_PORT = 5432;
