import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Scopes } from '../../auth/scopes.decorator';
import { DirectoryBrowser, DirectoryObjectView, DirectoryPageView } from './directory-browser.service';
import { DirectoryQueryDto } from './dto/directory-query.dto';

const PAGE = 'entries (id, userName or displayName, externalId, active, deletedAt, updatedAt) and nextCursor';
const BAD_QUERY =
  'A filter that does not parse or names no attribute, a cursor this API did not return, a bad limit';
const OBJECT =
  'The object (soft-deleted too) with its SCIM representation (never a password), its groups or its member count ' +
  'and first members, and each target’s state for it';

/** The directory as an administrator browses it: soft-deleted objects on request, each target's state per object. */
@ApiTags('directory')
@ApiBearerAuth()
@Scopes('admin')
@Controller('admin/v1/directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryBrowser) {}

  @Get('users')
  @ApiOperation({ summary: 'Users in id order, by SCIM filter and/or plain search' })
  @ApiOkResponse({ description: PAGE })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  listUsers(@Query() query: DirectoryQueryDto): Promise<DirectoryPageView> {
    return this.directory.listObjects('User', query);
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One user, its groups and its state in each target' })
  @ApiOkResponse({ description: OBJECT })
  @ApiNotFoundResponse({ description: 'No user has this id (or it was purged)' })
  user(@Param('id') id: string): Promise<DirectoryObjectView> {
    return this.directory.user(id);
  }

  @Get('groups')
  @ApiOperation({ summary: 'Groups in id order, by SCIM filter and/or plain search' })
  @ApiOkResponse({ description: PAGE })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  listGroups(@Query() query: DirectoryQueryDto): Promise<DirectoryPageView> {
    return this.directory.listObjects('Group', query);
  }

  @Get('groups/:id')
  @ApiOperation({ summary: 'One group, its members and its state in each target' })
  @ApiOkResponse({ description: OBJECT })
  @ApiNotFoundResponse({ description: 'No group has this id (or it was purged)' })
  group(@Param('id') id: string): Promise<DirectoryObjectView> {
    return this.directory.group(id);
  }
}
