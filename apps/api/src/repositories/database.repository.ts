import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { withTimeout } from './redis.repository.js';

@Injectable()
export class DatabaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(this.dataSource.query('SELECT 1'), timeoutMs, 'postgres ping');
  }
}
