import { BadRequestException } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A 400 whose message names every offending field, and lists them in `details` for programs. */
export function invalidFields(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
    details: problems,
  });
}

export const invalidField = (field: string, message: string): BadRequestException =>
  invalidFields([{ field, message }]);
