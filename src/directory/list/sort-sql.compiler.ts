import { InvalidRequestError } from '../../common/errors';
import type { AttributeDefinition, SortOrder } from '../../scim-protocol';
import {
  identifier,
  jsonPathLiteral,
  jsonScalar,
  jsonTableColumnType,
  type FilterSqlContext,
  type SqlFragment,
} from './sql-dialect';

/**
 * ORDER BY terms (without the keyword) for RFC 7644 §3.4.2.3 sorting: a column where one is mapped, the JSON
 * document otherwise; a multi-valued attribute sorts by its primary value, else its first; strings that are not
 * caseExact sort case-insensitively; missing values sort last; the id breaks ties so paging is stable.
 */
export function compileSort(
  sortBy: string | undefined,
  sortOrder: SortOrder | undefined,
  ctx: FilterSqlContext,
): SqlFragment {
  const alias = identifier(ctx.alias);
  const id = `${alias}.${identifier(ctx.columns.id?.column ?? 'id')}`;
  const direction = sortOrder === 'descending' ? 'DESC' : 'ASC';
  if (!sortBy) return { sql: `${id} ${direction}`, params: [] };
  const result = ctx.registry.tryResolvePath(ctx.resourceType, sortBy);
  if (!result.ok) throw new InvalidRequestError(`sortBy: ${result.reason}`, 'invalidValue');
  const { attribute, subAttribute, storagePath, path, extension } = result.value;
  if (attribute.name === 'members' && !extension) {
    throw new InvalidRequestError("sortBy: 'members' cannot be sorted on", 'invalidValue');
  }
  // A complex attribute sorts by its `value` sub-attribute (`manager`, `emails`).
  const implied =
    !subAttribute && attribute.type === 'complex'
      ? attribute.subAttributes?.find((s) => s.name === 'value')
      : undefined;
  if (!subAttribute && attribute.type === 'complex' && !implied) {
    throw new InvalidRequestError(`sortBy: '${path}' is complex`, 'invalidValue');
  }
  const sub = subAttribute ?? implied;
  const leaf = sub ?? attribute;
  const container = subAttribute ? storagePath.slice(0, -1) : storagePath;
  const fold = (sql: string) => (leaf.type === 'string' && !leaf.caseExact ? `LOWER(${sql})` : sql);
  const doc = `${alias}.${identifier(ctx.docColumn)}`;
  const column = ctx.columns[(implied ? `${path}.value` : path).toLowerCase()];
  let key: string;
  let required = false;
  if (attribute.multiValued) {
    key = fold(primaryOrFirst(ctx, doc, container, sub, leaf));
  } else if (column) {
    key = `${alias}.${identifier(column.column)}`;
    if (!column.lowercased) key = fold(key);
    required = column.required === true;
  } else {
    key = fold(
      jsonScalar(ctx.dialect, doc, jsonPathLiteral(sub ? [...container, sub.name] : container), leaf),
    );
  }
  // A column every live row fills has no missing values to put last, and its index gives the order.
  if (required) return { sql: `${key} ${direction}, ${id} ${direction}`, params: [] };
  return { sql: `(${key} IS NULL) ASC, ${key} ${direction}, ${id} ${direction}`, params: [] };
}

/** RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, or else by its first one. */
function primaryOrFirst(
  ctx: FilterSqlContext,
  doc: string,
  container: string[],
  sub: AttributeDefinition | undefined,
  leaf: AttributeDefinition,
): string {
  const e = `${identifier(ctx.alias)}_s`;
  const firstPath = jsonPathLiteral(container, sub ? `[0]."${sub.name}"` : '[0]');
  if (!sub) return jsonScalar(ctx.dialect, doc, firstPath, leaf);
  if (ctx.dialect === 'sqlite') {
    const primary = `(SELECT json_extract(${e}.value, ${jsonPathLiteral([sub.name])}) FROM json_each(${doc}, ${jsonPathLiteral(container)}) AS ${e} WHERE json_extract(${e}.value, '$.primary') = 1 LIMIT 1)`;
    return `COALESCE(${primary}, json_extract(${doc}, ${firstPath}))`;
  }
  const columns = `v ${jsonTableColumnType(leaf)} PATH ${jsonPathLiteral([sub.name])}, p VARCHAR(8) PATH '$.primary'`;
  const primary = `(SELECT ${e}.v FROM JSON_TABLE(${doc}, ${jsonPathLiteral(container, '[*]')} COLUMNS(${columns})) AS ${e} WHERE ${e}.p = 'true' LIMIT 1)`;
  return `COALESCE(${primary}, ${jsonScalar('mysql', doc, firstPath, leaf)})`;
}
