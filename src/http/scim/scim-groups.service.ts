import { Injectable } from '@nestjs/common';
import type { ListQuery, ListResult, StoredResource } from '../../directory/directory.types';
import { GroupsService } from '../../directory/groups/groups.service';
import { ListQueryBuilder, ScimListParams } from './list-query.builder';
import {
  applyPatch,
  membershipOnlyPatch,
  type ListResponse,
  normalizeResource,
  projectResource,
  SchemaRegistry,
} from '../../scim-protocol';
import { unknownAttributeOptions, type ScimRequestContext } from './scim-request';
import { toScimGroup, ifMatchVersions } from './scim-wire';

type Wire = Record<string, unknown>;

/** The SCIM face of the directory's groups. Members travel as rows; `excludedAttributes=members` never reads them. */
@Injectable()
export class ScimGroupsService {
  constructor(
    private readonly groups: GroupsService,
    private readonly registry: SchemaRegistry,
    private readonly lists: ListQueryBuilder,
  ) {}

  async createGroup(body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const { doc, members = [] } = normalizeResource(this.registry, 'Group', body, {
      mode: 'create',
      ...unknownAttributeOptions(ctx),
    });
    const stored = await this.groups.createGroup(doc, members, ctx);
    return this.toWire(stored, ctx, true);
  }

  async getGroup(id: string, params: ScimListParams, ctx: ScimRequestContext): Promise<Wire> {
    const stored = await this.groups.getGroup(id);
    return this.project(await this.toWire(stored, ctx, this.lists.wants(params, 'Group', 'members')), params);
  }

  async listGroups(params: ScimListParams, ctx: ScimRequestContext): Promise<ListResponse<Wire>> {
    const query = this.lists.build(params);
    const { result, resources } = await this.readGroups(query, params, ctx);
    return this.lists.toListResponse(query, result, resources);
  }

  /** One page of groups in wire form, projected: a list's, or a search across resource types' share of one. */
  async readGroups(
    query: ListQuery,
    params: ScimListParams,
    ctx: ScimRequestContext,
  ): Promise<{ result: ListResult; resources: Wire[] }> {
    const result = await this.groups.listGroups(query);
    const { resources } = result;
    const members = this.lists.wants(params, 'Group', 'members')
      ? await this.groups.listMembersOf(resources.map((r) => r.id))
      : undefined;
    const wire = resources.map((r) =>
      this.project(toScimGroup(r, members?.get(r.id) ?? (members ? [] : undefined), ctx.baseUrl), params),
    );
    return { result, resources: wire };
  }

  async replaceGroup(id: string, body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const stored = await this.groups.modifyGroup(
      id,
      (current) => {
        const { doc, members = [] } = normalizeResource(this.registry, 'Group', body, {
          mode: 'replace',
          existing: current.doc,
          ...unknownAttributeOptions(ctx),
        });
        return { doc, membership: { add: members, remove: [], removeAll: true } };
      },
      { ifMatch: ifMatchVersions(ctx.ifMatch) },
      ctx,
    );
    return this.toWire(stored, ctx, true);
  }

  /** A PATCH answers with the group but without its members: a 100,000-member list is not an acknowledgement. */
  async patchGroup(id: string, body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const ifMatch = ifMatchVersions(ctx.ifMatch);
    const members = ifMatch
      ? undefined
      : membershipOnlyPatch(body, {
          registry: this.registry,
          resourceType: 'Group',
          ...unknownAttributeOptions(ctx),
        });
    if (members && !members.removeAll)
      return this.toWire(await this.groups.changeMembers(id, members, ctx), ctx, false);
    const stored = await this.groups.modifyGroup(
      id,
      (current) => {
        const result = applyPatch(current.doc, body, {
          registry: this.registry,
          resourceType: 'Group',
          ...unknownAttributeOptions(ctx),
        });
        return { doc: result.doc, membership: result.membership };
      },
      { ifMatch },
      ctx,
    );
    return this.toWire(stored, ctx, false);
  }

  deleteGroup(id: string, ctx: ScimRequestContext): Promise<void> {
    return this.groups.deleteGroup(id, { ifMatch: ifMatchVersions(ctx.ifMatch) }, ctx);
  }

  private async toWire(stored: StoredResource, ctx: ScimRequestContext, withMembers: boolean): Promise<Wire> {
    const members = withMembers ? await this.groups.listMembers(stored.id) : undefined;
    return toScimGroup(stored, members, ctx.baseUrl);
  }

  private project(resource: Wire, params: ScimListParams): Wire {
    return projectResource(resource, params, this.registry, 'Group');
  }
}
