import { describe, expect, it } from 'vitest';
import { toOpenApi31 as sut } from './openapi.js';

describe(sut.name, () => {
  it('turns 3.0 nullable schemas into 3.1 type arrays', () => {
    const doc = sut({
      openapi: '3.0.0',
      components: {
        schemas: {
          A: {
            type: 'object',
            properties: {
              s: { type: 'string', nullable: true },
              e: { type: 'string', enum: ['x'], nullable: true },
              r: { $ref: '#/components/schemas/B', nullable: true, description: 'd' },
              n: { type: 'number', minimum: 0, exclusiveMinimum: true },
            },
          },
        },
      },
    });
    expect(doc.openapi).toBe('3.1.0');
    const props = (doc as any).components.schemas.A.properties;
    expect(props.s).toEqual({ type: ['string', 'null'] });
    expect(props.e).toEqual({ type: ['string', 'null'], enum: ['x', null] });
    expect(props.r).toEqual({ description: 'd', anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] });
    expect(props.n).toEqual({ type: 'number', exclusiveMinimum: 0 });
  });
});
