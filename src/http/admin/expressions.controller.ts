import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import type { EvaluationResult } from '../../mapping/expression';
import { MappingsService } from '../../mapping/mappings.service';
import { EvaluateExpressionDto } from './dto/evaluate-expression.dto';

@ApiTags('mappings')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/expressions')
export class ExpressionsController {
  constructor(private readonly mappings: MappingsService) {}

  /** `{value, flows}`; a syntax error is a 400 with `line` and `column`. */
  @Post('evaluate')
  @HttpCode(200)
  evaluate(@Body() dto: EvaluateExpressionDto): Promise<EvaluationResult> {
    return this.mappings.evaluateExpression(dto);
  }
}
