import { useEffect, useMemo, useState } from 'preact/hooks';
import { messageOf } from '../api';

/** One page of a cursor-paged list: its rows and the cursor of the next (older) page, null at the end. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPages<T> {
  /** The first page, then the pages loaded after it, without a row the first page already shows. */
  rows: T[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  loadMore: () => Promise<void>;
  /** Drops the pages loaded after the first (when the list changed under them). */
  reset: () => void;
}

/**
 * A list whose first page is polled (so it stays live) and whose further pages are loaded on request by cursor.
 * The loaded pages are dropped when `key` (the list's filters) changes.
 */
export function useCursorPages<T>(
  first: CursorPage<T> | undefined,
  load: (cursor: string) => Promise<CursorPage<T>>,
  idOf: (row: T) => string | number,
  key: string,
): CursorPages<T> {
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reset = () => {
    setMore([]);
    setCursor(undefined);
  };

  useEffect(() => {
    reset();
    setError(null);
  }, [key]);

  const top = first?.items;
  const rows = useMemo(() => {
    const seen = new Set((top ?? []).map(idOf));
    return [...(top ?? []), ...more.filter((r) => !seen.has(idOf(r)))];
  }, [top, more]);
  const nextCursor = cursor === undefined ? (first?.nextCursor ?? null) : cursor;

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = await load(nextCursor);
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  };

  return { rows, nextCursor, loading, error, loadMore, reset };
}

/** The error of the last page loaded, and the button that loads the next page while there is one. */
export function Pager({ pages, label }: { pages: CursorPages<unknown>; label: string }) {
  return (
    <>
      {pages.error && (
        <p class="error" role="alert">
          {pages.error}
        </p>
      )}
      {pages.nextCursor && (
        <div class="actions">
          <button type="button" onClick={() => void pages.loadMore()} disabled={pages.loading}>
            {pages.loading ? 'Loading…' : label}
          </button>
        </div>
      )}
    </>
  );
}
