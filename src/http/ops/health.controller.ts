import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../auth/scopes.decorator';
import { DatabaseHealth } from '../../database/database-health';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  /** The process is up. */
  @Public()
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database answers and every migration is applied. */
  @Public()
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; database: string }> {
    const readiness = await this.database.readiness();
    if (readiness === 'migrations_pending')
      throw new ServiceUnavailableException('Database migrations are pending');
    if (readiness === 'unreachable') throw new ServiceUnavailableException('Database unreachable');
    return { status: 'ok', database: this.database.engine };
  }
}
