import { Injectable } from '@nestjs/common';
import { InvalidFilterError, NotFoundError } from '../../common/errors';
import {
  type BrowsedObject,
  type BrowsedRow,
  type BrowsedType,
  DirectoryBrowseReader,
} from '../../directory/readers/directory-browse.reader';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { UsersService } from '../../directory/users/users.service';
import { ObjectStatesReader, type ObjectTargetState } from '../../provisioning/targets/object-states.reader';
import { parseFilter, projectResource, SchemaRegistry } from '../../scim-protocol';
import { toScimGroup, toScimUser } from '../scim/scim-wire';
import type { DirectoryQueryDto } from './dto/directory-query.dto';

/** Members a group's page shows; the count says how many there are in all. */
const FIRST_MEMBERS = 50;
/** `meta.location` of the SCIM representation, relative: the admin API does not know the SCIM base URL. */
const SCIM_BASE = '/scim/v2';

export interface DirectoryRowView {
  id: string;
  /** Users only. */
  userName?: string;
  displayName: string | null;
  externalId: string | null;
  /** Users only. */
  active?: boolean;
  deletedAt: string | null;
  updatedAt: string;
}

export interface DirectoryPageView {
  entries: DirectoryRowView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface DirectoryObjectView {
  id: string;
  type: BrowsedType;
  userName?: string;
  displayName: string | null;
  externalId: string | null;
  active?: boolean;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Its SCIM representation (attributes returned `never`, such as password, left out). */
  resource: Record<string, unknown>;
  /** A user's direct groups. */
  groups?: { id: string; displayName: string }[];
  /** A group's direct members: how many, and the first of them in id order. */
  members?: {
    count: number;
    first: { id: string; type: BrowsedType; displayName: string | null; live: boolean }[];
  };
  /** Each target's state for this object. */
  targets: ObjectTargetState[];
}

/**
 * The admin API's directory pages: a page of users or groups (the SCIM filter parsed here, compiled by the
 * directory), and one object with its groups or members and each target's state for it.
 */
@Injectable()
export class DirectoryBrowser {
  constructor(
    private readonly browse: DirectoryBrowseReader,
    private readonly directory: DirectoryReader,
    private readonly users: UsersService,
    private readonly states: ObjectStatesReader,
    private readonly registry: SchemaRegistry,
  ) {}

  async listObjects(type: BrowsedType, q: DirectoryQueryDto): Promise<DirectoryPageView> {
    const page = await namingFilter(() =>
      this.browse.browse(type, {
        filter: q.filter === undefined ? undefined : parseFilter(q.filter),
        search: q.search,
        includeDeleted: q.includeDeleted === 'true',
        cursor: q.cursor,
        limit: q.limit,
      }),
    );
    return { entries: page.rows.map((r) => toRowView(type, r)), nextCursor: page.nextCursor };
  }

  async user(id: string): Promise<DirectoryObjectView> {
    const user = await this.require('User', id);
    const [groups, targets] = await Promise.all([
      this.users.groupsOf([id]),
      this.states.statesOf({ type: 'User', id, deleted: user.deletedAt !== null }),
    ]);
    return {
      ...this.objectView('User', user, toScimUser(user, undefined, SCIM_BASE)),
      groups: (groups.get(id) ?? []).map((g) => ({ id: g.value, displayName: g.display })),
      targets,
    };
  }

  async group(id: string): Promise<DirectoryObjectView> {
    const group = await this.require('Group', id);
    const [count, first, targets] = await Promise.all([
      this.browse.memberCount(id),
      this.directory.membersOf(id, { afterId: '', limit: FIRST_MEMBERS }),
      this.states.statesOf({ type: 'Group', id, deleted: group.deletedAt !== null }),
    ]);
    const ids = (type: BrowsedType) => first.filter((m) => m.type === type).map((m) => m.id);
    const [users, groups] = await Promise.all([
      this.directory.describe('User', ids('User')),
      this.directory.describe('Group', ids('Group')),
    ]);
    const described = (m: { id: string; type: BrowsedType }) =>
      (m.type === 'User' ? users : groups).get(m.id);
    return {
      ...this.objectView('Group', group, toScimGroup(group, undefined, SCIM_BASE)),
      members: {
        count,
        first: first.map((m) => ({
          id: m.id,
          type: m.type,
          displayName: described(m)?.displayName ?? null,
          live: described(m)?.live ?? false,
        })),
      },
      targets,
    };
  }

  private async require(type: BrowsedType, id: string): Promise<BrowsedObject> {
    const found = await this.browse.find(type, id);
    if (!found) throw new NotFoundError(`${type} ${id} not found`);
    return found;
  }

  private objectView(
    type: BrowsedType,
    o: BrowsedObject,
    wire: Record<string, unknown>,
  ): Omit<DirectoryObjectView, 'targets'> {
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      id: o.id,
      type,
      ...(type === 'User' ? { userName: text(o.doc.userName) ?? '' } : {}),
      displayName: text(o.doc.displayName),
      externalId: text(o.doc.externalId),
      ...(type === 'User' ? { active: o.active } : {}),
      deletedAt: o.deletedAt?.toISOString() ?? null,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
      version: o.version,
      resource: projectResource(wire, { attributes: [], excludedAttributes: [] }, this.registry, type),
    };
  }
}

/** A filter the parser or the compiler refuses is a 400 that names the parameter. */
async function namingFilter<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidFilterError) throw new InvalidFilterError(`filter: ${err.message}`);
    throw err;
  }
}

function toRowView(type: BrowsedType, r: BrowsedRow): DirectoryRowView {
  return {
    id: r.id,
    ...(type === 'User' ? { userName: r.name } : {}),
    displayName: type === 'User' ? r.displayName : (r.displayName ?? r.name),
    externalId: r.externalId,
    ...(type === 'User' ? { active: r.active } : {}),
    deletedAt: r.deletedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  };
}
