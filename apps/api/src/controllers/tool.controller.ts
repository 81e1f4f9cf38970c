import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ToolResponseDto } from '../dtos/tool.dto.js';
import { ToolService } from '../services/tool.service.js';
import { ApiBearer } from '../utils/openapi.js';

@ApiTags('tools')
@ApiBearer('read')
@Controller('v1/tools')
export class ToolController {
  constructor(private readonly service: ToolService) {}

  @Get()
  @ApiOperation({
    operationId: 'listTools',
    summary: 'List tools',
    description: 'The tool catalog: what each tool measures, its params as JSON Schema, and what a host needs.',
  })
  @ApiOkResponse({ type: [ToolResponseDto], description: 'The tools.' })
  list(): ToolResponseDto[] {
    return this.service.list();
  }
}
