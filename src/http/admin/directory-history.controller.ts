import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { DirectoryHistoryReader, HistoryPage } from '../../directory/journal/history.reader';
import { HistoryQueryDto } from './dto/history-query.dto';

/**
 * Who changed a directory object, what, when and in which request: its journal rows, newest first, soft-deleted
 * and purged objects included for as long as the rows are kept. 404 only when neither the object nor a row of it
 * is there.
 */
@ApiTags('directory')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/directory')
export class DirectoryHistoryController {
  constructor(private readonly history: DirectoryHistoryReader) {}

  @Get('users/:id/history')
  userHistory(@Param('id') id: string, @Query() query: HistoryQueryDto): Promise<HistoryPage> {
    return this.history.historyOf('User', id, query);
  }

  @Get('groups/:id/history')
  groupHistory(@Param('id') id: string, @Query() query: HistoryQueryDto): Promise<HistoryPage> {
    return this.history.historyOf('Group', id, query);
  }
}
