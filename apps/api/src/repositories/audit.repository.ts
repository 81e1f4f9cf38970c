import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AuditEntry {
  tokenId: string | null;
  tokenName: string | null;
  method: string;
  route: string | null;
  path: string;
  status: number;
  jobId: string | null;
  tool: string | null;
  hosts: unknown;
  params: unknown;
  remoteAddress: string | null;
}

export interface StoredAuditEntry extends AuditEntry {
  id: string;
  at: Date;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (token_id, token_name, method, route, path, status, job_id, tool, hosts, params, remote_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11)`,
      [
        entry.tokenId,
        entry.tokenName,
        entry.method,
        entry.route,
        entry.path,
        entry.status,
        entry.jobId,
        entry.tool,
        entry.hosts === undefined ? null : JSON.stringify(entry.hosts),
        entry.params === undefined ? null : JSON.stringify(entry.params),
        entry.remoteAddress,
      ],
    );
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.query(`SELECT 1 FROM audit_log WHERE id = $1`, [id]).then((rows: unknown[]) => rows.length > 0);
  }

  /** Newest first; `afterId` is the last entry of the previous page. Reads one more row to know if there is a next page. */
  async list(limit: number, afterId?: string): Promise<{ items: StoredAuditEntry[]; hasMore: boolean }> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id::text, at, token_id, token_name, method, route, path, status, job_id, tool, hosts, params, remote_address
       FROM audit_log ${afterId ? 'WHERE id < $2' : ''} ORDER BY id DESC LIMIT $1`,
      afterId ? [limit + 1, afterId] : [limit + 1],
    );
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id as string,
      at: row.at as Date,
      tokenId: row.token_id as string | null,
      tokenName: row.token_name as string | null,
      method: row.method as string,
      route: row.route as string | null,
      path: row.path as string,
      status: row.status as number,
      jobId: row.job_id as string | null,
      tool: row.tool as string | null,
      hosts: row.hosts,
      params: row.params,
      remoteAddress: row.remote_address as string | null,
    }));
    return { items, hasMore: rows.length > limit };
  }
}
