import { Injectable } from '@nestjs/common';
import { JournalReader } from '../journal/journal.reader';

/** How long a count is trusted while the journal's head stands still (see LiveCounts). */
export const LIVE_COUNT_MAX_AGE_MS = 2_000;

/**
 * The number of live users (or groups), for the `totalResults` of unfiltered list pages. Counting reads an index
 * entry per live row: at a million users, 60 ms on SQLite and half a second on MariaDB for every page of a client
 * reading the directory by `startIndex`. A count is reused while the journal's head has not moved (every directory
 * write appends to the journal in its own transaction, whichever process makes it), for at most
 * LIVE_COUNT_MAX_AGE_MS: on MySQL a write whose journal row took a lower number can commit after a higher one, the
 * head then standing still over a change; the age bounds that case. The head is read before the count, so a write
 * landing between them makes the next page count again rather than keep a number that misses it.
 */
@Injectable()
export class LiveCounts {
  private readonly counted = new Map<string, { head: number; total: number; at: number }>();

  constructor(private readonly journal: JournalReader) {}

  async of(table: string, count: () => Promise<number>): Promise<number> {
    const head = await this.journal.head();
    const now = Date.now();
    const last = this.counted.get(table);
    if (last && last.head === head && now - last.at < LIVE_COUNT_MAX_AGE_MS) return last.total;
    const total = await count();
    this.counted.set(table, { head, total, at: now });
    return total;
  }
}
