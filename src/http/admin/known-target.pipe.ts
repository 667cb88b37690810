import { Injectable, PipeTransform } from '@nestjs/common';
import { TargetsService } from '../../provisioning/targets/targets.service';
import { MappingTargetParams } from './dto/mapping-target.dto';

/** The mappings of a target that does not exist answer 404: a removed target's set must not live on. */
@Injectable()
export class KnownTargetPipe implements PipeTransform<MappingTargetParams, Promise<MappingTargetParams>> {
  constructor(private readonly targets: TargetsService) {}

  async transform(params: MappingTargetParams): Promise<MappingTargetParams> {
    await this.targets.requireTarget(params.id);
    return params;
  }
}
