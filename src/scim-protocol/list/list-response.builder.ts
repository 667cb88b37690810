import { LIST_RESPONSE_SCHEMA } from '../schema/schema.types';

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  Resources: T[];
}

/** RFC 7644 §3.4.2: a ListResponse. Index paging sets startIndex; cursor paging (RFC 9865) sets nextCursor. */
export function buildListResponse<T>(
  resources: T[],
  totalResults: number,
  startIndex: number | undefined,
  itemsPerPage: number,
  nextCursor?: string,
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage,
    ...(startIndex === undefined ? {} : { startIndex }),
    ...(nextCursor === undefined ? {} : { nextCursor }),
    Resources: resources,
  };
}
