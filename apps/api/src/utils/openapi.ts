/**
 * @nestjs/swagger emits OpenAPI 3.0 (`nullable: true`). The API promises 3.1, whose schemas are JSON
 * Schema 2020-12 (the same dialect as the tools' paramsSchema): a nullable type is `type: [T, "null"]`.
 * This rewrites the generated document in place and returns it.
 */
export function toOpenApi31<T extends { openapi: string }>(document: T): T {
  document.openapi = '3.1.0';
  visit(document);
  return document;
}

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const value of Object.values(schema)) visit(value);
  if (schema.nullable === true) {
    delete schema.nullable;
    if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
    } else if (Array.isArray(schema.type)) {
      if (!schema.type.includes('null')) schema.type = [...schema.type, 'null'];
    } else {
      // $ref / allOf / oneOf: wrap, since a sibling `type` would not make the reference nullable.
      const inner: Record<string, unknown> = {};
      for (const key of Object.keys(schema)) {
        if (key !== 'description' && key !== 'default') {
          inner[key] = schema[key];
          delete schema[key];
        }
      }
      schema.anyOf = [inner, { type: 'null' }];
    }
  } else if (schema.nullable === false) {
    delete schema.nullable;
  }
  // 3.0's boolean exclusive bounds become 3.1's numeric ones.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (schema[flag] === true && typeof schema[bound] === 'number') {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else if (schema[flag] === false) {
      delete schema[flag];
    }
  }
}
