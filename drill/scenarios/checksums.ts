/**
 * Per-table content checksums: each user table's rows as text, concatenated in primary-key order, hashed with md5 —
 * `SELECT md5(string_agg(t::text, ',' ORDER BY <pk>)) FROM t`. A restore is compared with its source table by table,
 * so one changed value anywhere fails the comparison (a `count(*)` would not see it). Shared by `backup` and `logical`.
 */
import type { Cluster } from "../cluster.js";

export interface TableChecksum {
  rows: number;
  /** md5 of the ordered rows; "" for an empty table. */
  md5: string;
}

export type TableChecksums = Record<string, TableChecksum>;

/** Double-quote an identifier for SQL. */
export const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * The checksum statement for one table. `orderBy` are its primary-key columns; a table without one is ordered by the
 * row text itself (duplicates then hash the same whatever their physical order).
 */
export function checksumSql(schema: string, table: string, orderBy: readonly string[]): string {
  const order = orderBy.length > 0 ? orderBy.map((c) => `t.${quoteIdent(c)}`).join(", ") : "t::text";
  return (
    `SELECT count(*)::bigint AS rows, coalesce(md5(string_agg(t::text, ',' ORDER BY ${order})), '') AS md5 ` +
    `FROM ${quoteIdent(schema)}.${quoteIdent(table)} t`
  );
}

/** Every ordinary table outside the system schemas, with its primary-key columns in key order. */
export const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS table,
       coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
                   FROM pg_index i
                   CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                  WHERE i.indrelid = c.oid AND i.indisprimary), '{}') AS pk
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
 ORDER BY 1, 2`;

/** Checksums of every user table of one database of a running cluster. */
export async function tableChecksums(c: Cluster, db = "postgres"): Promise<TableChecksums> {
  const tables = await c.query<{ schema: string; table: string; pk: string[] }>(TABLES_SQL, [], db);
  const out: TableChecksums = {};
  for (const t of tables) {
    const row = (await c.query<{ rows: string; md5: string }>(checksumSql(t.schema, t.table, t.pk), [], db))[0];
    out[`${t.schema}.${t.table}`] = { rows: Number(row?.rows ?? -1), md5: row?.md5 ?? "" };
  }
  return out;
}

/** Tables whose checksums differ, or that exist on one side only; empty when the two sides are equal. */
export function checksumDifferences(source: TableChecksums, restored: TableChecksums): string[] {
  const names = [...new Set([...Object.keys(source), ...Object.keys(restored)])].sort();
  const diffs: string[] = [];
  for (const n of names) {
    const a = source[n];
    const b = restored[n];
    if (a === undefined) diffs.push(`${n}: only in the restore`);
    else if (b === undefined) diffs.push(`${n}: missing from the restore`);
    else if (a.rows !== b.rows || a.md5 !== b.md5)
      diffs.push(`${n}: ${a.rows} rows md5 ${a.md5 || "-"} vs ${b.rows} rows md5 ${b.md5 || "-"}`);
  }
  return diffs;
}
