import { Injectable, PipeTransform } from '@nestjs/common';
import { TargetsService } from '../../provisioning/targets/targets.service';
import { MappingTargetParams } from './dto/mapping-target.dto';

/** The routes of a target that does not exist (mappings, roles, assignments) answer 404. */
@Injectable()
export class KnownTargetPipe implements PipeTransform<MappingTargetParams, Promise<MappingTargetParams>> {
  constructor(private readonly targets: TargetsService) {}

  async transform<T extends MappingTargetParams>(params: T): Promise<T> {
    await this.targets.requireTarget(params.id);
    return params;
  }
}
