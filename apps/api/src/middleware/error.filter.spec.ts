import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, toErrorBody } from './error.filter.js';

describe(toErrorBody.name, () => {
  it('answers 503 when Postgres cannot be reached or is shutting down, 500 for a bug', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const adminShutdown = Object.assign(new Error('QueryFailedError'), { driverError: { code: '57P01', message: 'terminating connection due to administrator command' } });
    const terminated = new Error('Connection terminated unexpectedly');
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    for (const error of [refused, adminShutdown, terminated, poolTimeout]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
      expect(toErrorBody(error)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'the database (Postgres) is unavailable; retry later' });
    }
    const uniqueViolation = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
    expect(toErrorBody(uniqueViolation).statusCode).toBe(500);
    expect(toErrorBody(new TypeError('x is undefined')).statusCode).toBe(500);
  });
});
