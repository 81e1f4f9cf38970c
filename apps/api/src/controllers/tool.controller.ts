import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ToolResponseDto } from '../dtos/tool.dto.js';
import { ToolService } from '../services/tool.service.js';

@ApiTags('tools')
@ApiBearerAuth()
@Controller('v1/tools')
export class ToolController {
  constructor(private readonly service: ToolService) {}

  @Get()
  @ApiOkResponse({ type: [ToolResponseDto] })
  list(): ToolResponseDto[] {
    return this.service.list();
  }
}
