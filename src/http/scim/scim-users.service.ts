import { Injectable } from '@nestjs/common';
import type { ListQuery, ListResult } from '../../directory/directory.types';
import { UsersService } from '../../directory/users/users.service';
import { ListQueryBuilder, ScimListParams } from './list-query.builder';
import {
  applyPatch,
  type ListResponse,
  normalizeResource,
  projectResource,
  SchemaRegistry,
} from '../../scim-protocol';
import { unknownAttributeOptions, type ScimRequestContext } from './scim-request';
import { toScimUser, ifMatchVersions } from './scim-wire';

type Wire = Record<string, unknown>;

/** The SCIM face of the directory's users: wire format in and out, the directory does the storing. */
@Injectable()
export class ScimUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly registry: SchemaRegistry,
    private readonly lists: ListQueryBuilder,
  ) {}

  async createUser(body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const { doc } = normalizeResource(this.registry, 'User', body, {
      mode: 'create',
      ...unknownAttributeOptions(ctx),
    });
    return toScimUser(await this.users.createUser(doc, ctx), [], ctx.baseUrl);
  }

  async getUser(id: string, params: ScimListParams, ctx: ScimRequestContext): Promise<Wire> {
    const stored = await this.users.getUser(id);
    const wantGroups = this.lists.wants(params, 'User', 'groups');
    const groups = wantGroups ? (await this.users.groupsOf([id])).get(id) : undefined;
    return this.project(toScimUser(stored, groups, ctx.baseUrl), params);
  }

  async listUsers(params: ScimListParams, ctx: ScimRequestContext): Promise<ListResponse<Wire>> {
    const query = this.lists.build(params);
    const { result, resources } = await this.readUsers(query, params, ctx);
    return this.lists.toListResponse(query, result, resources);
  }

  /** One page of users in wire form, projected: a list's, or a search across resource types' share of one. */
  async readUsers(
    query: ListQuery,
    params: ScimListParams,
    ctx: ScimRequestContext,
  ): Promise<{ result: ListResult; resources: Wire[] }> {
    const result = await this.users.listUsers(query, {
      withGroups: this.lists.wants(params, 'User', 'groups'),
    });
    const { resources, groups } = result;
    const wire = resources.map((r) => this.project(toScimUser(r, groups?.get(r.id), ctx.baseUrl), params));
    return { result, resources: wire };
  }

  async replaceUser(id: string, body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const stored = await this.users.modifyUser(
      id,
      (current) => ({
        doc: normalizeResource(this.registry, 'User', body, {
          mode: 'replace',
          existing: current.doc,
          ...unknownAttributeOptions(ctx),
        }).doc,
        kind: 'replaced',
      }),
      { ifMatch: ifMatchVersions(ctx.ifMatch) },
      ctx,
      { withGroups: true },
    );
    return toScimUser(stored, stored.groups, ctx.baseUrl);
  }

  async patchUser(id: string, body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const stored = await this.users.modifyUser(
      id,
      (current) => {
        const result = applyPatch(current.doc, body, {
          registry: this.registry,
          resourceType: 'User',
          ...unknownAttributeOptions(ctx),
        });
        return { doc: result.doc, kind: 'patched' };
      },
      { ifMatch: ifMatchVersions(ctx.ifMatch) },
      ctx,
      { withGroups: true },
    );
    return toScimUser(stored, stored.groups, ctx.baseUrl);
  }

  deleteUser(id: string, ctx: ScimRequestContext): Promise<void> {
    return this.users.deleteUser(id, { ifMatch: ifMatchVersions(ctx.ifMatch) }, ctx);
  }

  private project(resource: Wire, params: ScimListParams): Wire {
    return projectResource(resource, params, this.registry, 'User');
  }
}
