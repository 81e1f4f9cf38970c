import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isUuid } from '../utils/cursor.js';
import { invalidField } from '../utils/errors.js';

/** Rejects path ids that are not UUIDs with a 400 naming the parameter, before they reach Postgres. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !isUuid(value)) {
      throw invalidField(metadata.data ?? 'id', `must be a UUID, got "${String(value).slice(0, 80)}"`);
    }
    return value.toLowerCase();
  }
}
