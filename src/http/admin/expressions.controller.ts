import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import type { EvaluationResult } from '../../mapping/expression';
import { MappingTrialsService } from '../../provisioning/targets/mapping-trials.service';
import { EvaluateExpressionDto } from './dto/evaluate-expression.dto';

@ApiTags('mappings')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/expressions')
export class ExpressionsController {
  constructor(private readonly trials: MappingTrialsService) {}

  /** `{value, flows}`; a syntax error is a 400 with `line` and `column`. */
  @Post('evaluate')
  @HttpCode(200)
  evaluate(@Body() dto: EvaluateExpressionDto): Promise<EvaluationResult> {
    return this.trials.evaluateExpression(dto);
  }
}
