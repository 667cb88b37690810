import { InvalidFilterError } from '../../common/errors';
import { isoToSqlDateTime } from '../../scim-protocol';
import type { AttributeDefinition, ResolvedAttribute } from '../../scim-protocol';
import type { CompareOperator, Filter } from '../../scim-protocol';
import { compileMatcher } from '../../scim-protocol';
import { prepareComparison, resolveFilterTarget, type FilterTarget, type Operand } from '../../scim-protocol';
import {
  booleanParam,
  identifier,
  isoFromDateTimeColumn,
  jsonPathLiteral,
  jsonScalar,
  jsonTableColumnType,
  type FilterSqlContext,
  type SqlFragment,
} from './sql-dialect';

/** A value expression: SQL text, its own parameters, and how it is stored. */
interface Scalar {
  sql: string;
  leaf: AttributeDefinition;
  /** A real column: compared as stored, with 1/0 booleans and DATETIME(3) text. */
  column?: { lowercased: boolean };
}

/** Where the comparisons of a value filter read: one element of a multi-valued attribute, or the attribute. */
type ElementReader = (sub: AttributeDefinition) => Scalar;

const SQL_OPERATOR: Record<CompareOperator, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
  co: '',
  sw: '',
  ew: '',
};

/**
 * Compiles a filter to a parameterised WHERE fragment with the semantics of `matchesFilter` (see there). Values
 * always go to `params`; only registry-validated names reach the SQL text.
 */
export function compileFilter(filter: Filter, ctx: FilterSqlContext): SqlFragment {
  const compiler = new FilterSqlCompiler(ctx);
  const sql = compiler.compile(filter, undefined);
  return { sql, params: compiler.params };
}

class FilterSqlCompiler {
  readonly params: unknown[] = [];
  private readonly doc: string;
  private aliases = 0;

  constructor(private readonly ctx: FilterSqlContext) {
    this.doc = `${identifier(ctx.alias)}.${identifier(ctx.docColumn)}`;
  }

  compile(filter: Filter, scope: { parent: ResolvedAttribute; read: ElementReader } | undefined): string {
    switch (filter.type) {
      case 'and':
      case 'or':
        return `(${this.compile(filter.left, scope)} ${filter.type.toUpperCase()} ${this.compile(filter.right, scope)})`;
      case 'not':
        // SQL's NOT NULL is NULL; a comparison on a missing value is false here, so its negation is true.
        return `NOT COALESCE(${this.compile(filter.filter, scope)}, 0)`;
      case 'valuePath':
        return this.valuePath(filter.path, filter.filter);
      case 'present':
      case 'compare': {
        const target = resolveFilterTarget(
          this.ctx.registry,
          this.ctx.resourceType,
          filter.path,
          scope?.parent,
          filter.type === 'compare',
        );
        if (
          !scope &&
          target.resolved.path === 'meta.resourceType' &&
          !this.ctx.columns['meta.resourcetype']
        ) {
          // Not stored: every row of the table has this resource type, so the test is a constant.
          const name = this.ctx.registry.resourceType(this.ctx.resourceType)!.name;
          const matches = compileMatcher(
            filter,
            this.ctx.registry,
            this.ctx.resourceType,
          )({ meta: { resourceType: name } });
          return matches ? '1 = 1' : '1 = 0';
        }
        const comparison =
          filter.type === 'compare'
            ? prepareComparison(filter, target.leaf, target.resolved.path)
            : ({ kind: 'present', negated: false } as const);
        const test = (value: Scalar): string =>
          comparison.kind === 'present'
            ? this.present(value)
            : this.compare(value, comparison.op === 'ne' ? 'eq' : comparison.op, comparison.operand);
        const negatePresence = comparison.kind === 'present' && comparison.negated;
        const ne = comparison.kind === 'compare' && comparison.op === 'ne';
        const sql = scope
          ? this.onValue(scope.read(target.resolved.subAttribute!), test, ne)
          : this.onAttribute(target, test, ne);
        return negatePresence ? `NOT (${sql})` : sql;
      }
    }
  }

  /** `ne` matches a missing value, so it is "missing, or not equal" (see matchesFilter). */
  private onValue(value: Scalar, test: (value: Scalar) => string, ne: boolean): string {
    if (!ne) return test(value);
    const isNull = `${value.sql} IS NULL`;
    return `(${isNull} OR NOT (${test(value)}))`;
  }

  private onAttribute(target: FilterTarget, test: (value: Scalar) => string, ne: boolean): string {
    const { resolved } = target;
    if (this.isMembers(resolved)) return this.onMembers(target, test, ne);
    if (!resolved.attribute.multiValued) {
      if (!target.sub && resolved.attribute.type === 'complex') {
        // `name pr`: normalized documents never hold empty objects.
        return `${this.rawJson(resolved.storagePath)} IS NOT NULL`;
      }
      return this.onValue(this.single(target), test, ne);
    }
    const container = resolved.subAttribute ? resolved.storagePath.slice(0, -1) : resolved.storagePath;
    if (!target.sub && resolved.attribute.type === 'complex') {
      return this.ctx.dialect === 'sqlite'
        ? `json_array_length(${this.doc}, ${jsonPathLiteral(container)}) > 0`
        : `JSON_LENGTH(JSON_EXTRACT(${this.doc}, ${jsonPathLiteral(container)})) > 0`;
    }
    const whole = target.sub ? undefined : resolved.attribute;
    const leaf = target.sub ?? resolved.attribute;
    const exists = (where: (value: Scalar) => string) =>
      this.elements(container, target.sub ? [target.sub] : [], whole, (read) => where(read(leaf)));
    if (!ne) return exists(test);
    const none = this.elements(container, [], undefined, () => '1 = 1');
    return `(NOT ${none} OR ${exists((value) => this.onValue(value, test, true))})`;
  }

  private valuePath(path: string, inner: Filter): string {
    const target = resolveFilterTarget(this.ctx.registry, this.ctx.resourceType, path, undefined, false);
    const { resolved } = target;
    if (resolved.subAttribute || resolved.attribute.type !== 'complex') {
      throw new InvalidFilterError(`A value filter needs a complex attribute; '${resolved.path}' is not one`);
    }
    if (this.isMembers(resolved)) {
      return this.memberRows((read) => this.compile(inner, { parent: resolved, read }));
    }
    if (!resolved.attribute.multiValued) {
      const read: ElementReader = (sub) => this.single({ resolved, leaf: sub, sub });
      return `(${this.rawJson(resolved.storagePath)} IS NOT NULL AND ${this.compile(inner, { parent: resolved, read })})`;
    }
    const subs = collectSubAttributes(inner, resolved, this.ctx);
    return this.elements(resolved.storagePath, subs, undefined, (read) =>
      this.compile(inner, { parent: resolved, read }),
    );
  }

  /**
   * EXISTS over the elements of a JSON array: json_each on SQLite, JSON_TABLE with one typed column per value read
   * on MySQL. `whole` is the element itself (simple multi-valued attributes), `subs` the sub-attributes read.
   */
  private elements(
    container: string[],
    subs: AttributeDefinition[],
    whole: AttributeDefinition | undefined,
    where: (read: ElementReader) => string,
  ): string {
    const e = `${identifier(this.ctx.alias)}_e${this.aliases++}`;
    const source = jsonPathLiteral(container, this.ctx.dialect === 'mysql' ? '[*]' : '');
    if (this.ctx.dialect === 'sqlite') {
      const read: ElementReader = (leaf) => ({
        sql: leaf === whole ? `${e}.value` : `json_extract(${e}.value, ${jsonPathLiteral([leaf.name])})`,
        leaf,
      });
      return `EXISTS (SELECT 1 FROM json_each(${this.doc}, ${source}) AS ${e} WHERE ${where(read)})`;
    }
    const columns = subs.map(
      (sub, i) => `c${i} ${jsonTableColumnType(sub)} PATH ${jsonPathLiteral([sub.name])}`,
    );
    if (whole) columns.push(`w ${jsonTableColumnType(whole)} PATH '$'`);
    if (!columns.length) columns.push('o FOR ORDINALITY');
    const read: ElementReader = (leaf) => {
      const column = leaf === whole ? `${e}.w` : `${e}.c${subs.indexOf(leaf)}`;
      const textual = !['boolean', 'integer', 'decimal'].includes(leaf.type);
      return { sql: textual ? `(${column} COLLATE utf8mb4_bin)` : column, leaf };
    };
    return `EXISTS (SELECT 1 FROM JSON_TABLE(${this.doc}, ${source} COLUMNS(${columns.join(', ')})) AS ${e} WHERE ${where(read)})`;
  }

  /** A single-valued attribute (or sub-attribute): a column when one is mapped, else the JSON document. */
  private single(target: FilterTarget): Scalar {
    const { resolved, leaf, sub } = target;
    const canonical = (
      sub && !resolved.subAttribute ? `${resolved.path}.${sub.name}` : resolved.path
    ).toLowerCase();
    const column = this.ctx.columns[canonical];
    if (column && !(leaf.caseExact && column.lowercased && leaf.type === 'string')) {
      return { sql: `${identifier(this.ctx.alias)}.${identifier(column.column)}`, leaf, column };
    }
    const path = sub && !resolved.subAttribute ? [...resolved.storagePath, sub.name] : resolved.storagePath;
    return { sql: jsonScalar(this.ctx.dialect, this.doc, jsonPathLiteral(path), leaf), leaf };
  }

  private rawJson(path: string[]): string {
    return this.ctx.dialect === 'sqlite'
      ? `json_extract(${this.doc}, ${jsonPathLiteral(path)})`
      : `JSON_EXTRACT(${this.doc}, ${jsonPathLiteral(path)})`;
  }

  /** `pr`: non-null, and non-empty for text (RFC 7644 §3.4.2.2). */
  private present(value: Scalar): string {
    const textual = ['string', 'reference', 'binary'].includes(value.leaf.type);
    return textual ? `(${value.sql} IS NOT NULL AND ${value.sql} <> '')` : `${value.sql} IS NOT NULL`;
  }

  private compare(value: Scalar, op: CompareOperator, operand: Operand): string {
    switch (operand.kind) {
      case 'boolean':
        return this.emit(`${value.sql} = ?`, booleanParam(this.ctx.dialect, operand.value, !!value.column));
      case 'number':
        return this.emit(`${value.sql} ${SQL_OPERATOR[op]} ?`, operand.value);
      case 'dateTime': {
        const param = value.column ? isoToSqlDateTime(operand.value) : operand.value;
        return this.emit(`${value.sql} ${SQL_OPERATOR[op]} ?`, param);
      }
      case 'string':
        return this.compareText(value, op, operand);
    }
  }

  private compareText(
    value: Scalar,
    op: CompareOperator,
    operand: Extract<Operand, { kind: 'string' }>,
  ): string {
    let lhs = value.sql;
    let text = operand.value;
    if (value.column && value.leaf.type === 'dateTime') lhs = isoFromDateTimeColumn(this.ctx.dialect, lhs);
    // Membership rows override the schema: member ids are server-assigned and compared exactly.
    const folded = !operand.caseExact && !value.leaf.caseExact;
    if (folded) {
      text = text.toLowerCase();
      // Columns flagged lowercased hold app-lowercased text: compare as is, so the index is used.
      if (!value.column?.lowercased) lhs = `LOWER(${lhs})`;
    }
    if (op !== 'co' && op !== 'sw' && op !== 'ew') {
      return this.emit(`${lhs} ${SQL_OPERATOR[op]} ?`, text);
    }
    if (text === '') return this.emit(`${lhs} IS NOT NULL`);
    const sqliteExact = this.ctx.dialect === 'sqlite' && !folded && !value.column?.lowercased;
    if (sqliteExact) {
      // SQLite's LIKE ignores ASCII case, so case-exact substring tests use instr/substr.
      const length = [...text].length;
      if (op === 'co') return this.emit(`instr(${lhs}, ?) > 0`, text);
      if (op === 'sw') return this.emit(`substr(${lhs}, 1, ?) = ?`, length, text);
      return this.emit(`substr(${lhs}, ?) = ?`, -length, text);
    }
    const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
    const escape = this.ctx.dialect === 'sqlite' ? `'\\'` : `'\\\\'`;
    if (op === 'sw' && this.ctx.dialect === 'sqlite' && value.column?.lowercased) {
      // SQLite's LIKE uses no index on a column of the BINARY collation; the prefix's range does (MySQL and
      // MariaDB read a constant LIKE prefix as a range themselves). LIKE still decides, the range only narrows.
      return this.emit(
        `(${lhs} >= ? AND ${lhs} < ? AND ${lhs} LIKE ? ESCAPE ${escape})`,
        text,
        `${text}\u{10FFFF}`,
        pattern,
      );
    }
    return this.emit(`${lhs} LIKE ? ESCAPE ${escape}`, pattern);
  }

  /** Builds the SQL, then records its parameters: fragments are built left to right, so order holds. */
  private emit(sql: string, ...params: unknown[]): string {
    this.params.push(...params);
    return sql;
  }

  private isMembers(resolved: ResolvedAttribute): boolean {
    return (
      resolved.schema === this.ctx.registry.coreSchema(this.ctx.resourceType).id &&
      resolved.attribute.name === 'members' &&
      !resolved.extension
    );
  }

  private onMembers(target: FilterTarget, test: (value: Scalar) => string, ne: boolean): string {
    if (!target.sub) return this.memberRows(() => '1 = 1');
    const sub = target.sub;
    const where = (read: ElementReader) => this.onValue(read(sub), test, ne);
    if (!ne) return this.memberRows(where);
    return `(NOT ${this.memberRows(() => '1 = 1')} OR ${this.memberRows(where)})`;
  }

  /** Group members are rows (DESIGN.md §3): EXISTS on the membership table, never a JSON array. */
  private memberRows(where: (read: ElementReader) => string): string {
    const members = this.ctx.members;
    if (!members) throw new InvalidFilterError("'members' cannot be filtered on here");
    const m = `${this.ctx.alias}_m${this.aliases++}`;
    const id = `${identifier(this.ctx.alias)}.${identifier(this.ctx.columns.id?.column ?? 'id')}`;
    const read: ElementReader = (sub) => {
      const column =
        sub.name === 'value' ? members.memberColumn : sub.name === 'type' ? members.typeColumn : undefined;
      if (!column) throw new InvalidFilterError(`'members.${sub.name}' cannot be filtered on`);
      // Member ids are server-assigned and types canonical ('User'/'Group'): compared exactly.
      return {
        sql: `${m}.${identifier(column)}`,
        leaf: { ...sub, caseExact: sub.name === 'value' },
        column: { lowercased: false },
      };
    };
    const condition = where(read);
    const table = identifier(members.table);
    const group = `${m}.${identifier(members.groupColumn)}`;
    // A condition on the members (`members[value eq "…"]`) reads the membership rows it names through their
    // index, then the groups by id; without one, each group's own rows are looked at.
    if (condition === '1 = 1') return `EXISTS (SELECT 1 FROM ${table} AS ${m} WHERE ${group} = ${id})`;
    return `${id} IN (SELECT ${group} FROM ${table} AS ${m} WHERE ${condition})`;
  }
}

/** The sub-attributes a value filter reads, so MySQL's JSON_TABLE can declare one typed column for each. */
function collectSubAttributes(
  filter: Filter,
  parent: ResolvedAttribute,
  ctx: FilterSqlContext,
): AttributeDefinition[] {
  const found: AttributeDefinition[] = [];
  const walk = (f: Filter) => {
    if (f.type === 'and' || f.type === 'or') {
      walk(f.left);
      walk(f.right);
    } else if (f.type === 'not') {
      walk(f.filter);
    } else if (f.type === 'compare' || f.type === 'present') {
      const target = resolveFilterTarget(
        ctx.registry,
        ctx.resourceType,
        f.path,
        parent,
        f.type === 'compare',
      );
      const sub = target.resolved.subAttribute!;
      if (!found.includes(sub)) found.push(sub);
    } else {
      throw new InvalidFilterError('Value filters cannot be nested');
    }
  };
  walk(filter);
  return found;
}
