import { Injectable } from '@nestjs/common';
import type { UnknownAttributes } from '../../scim-protocol';
import { ImportWorker } from './import-worker';
import { ImportJobView, ImportsService } from './imports.service';

/**
 * What an import needs of the request that submitted it: the journal's request id, the SCIM base URL, the token
 * (the job is readable by that token and admin tokens only; the history names it) and that token's choice for unknown attributes.
 */
export interface ImportRequestContext {
  requestId: string | null;
  baseUrl: string;
  tokenId: string;
  tokenName: string;
  unknownAttributes: UnknownAttributes;
}

/** Accepts a /bulkUpload request: stores it, then hands it to the worker or, for `?sync=true`, runs it now. */
@Injectable()
export class ImportRunner {
  constructor(
    private readonly imports: ImportsService,
    private readonly worker: ImportWorker,
  ) {}

  async submitImport(
    body: unknown,
    ctx: ImportRequestContext,
    sync: boolean,
  ): Promise<{ location: string; body: ImportJobView | { id: string; status: string; location: string } }> {
    const job = await this.imports.enqueueImport(body, ctx);
    const location = `${ctx.baseUrl.replace(/\/scim\/v2$/, '')}/admin/v1/imports/${job.id}`;
    if (!sync) {
      this.worker.wake();
      return { location, body: { id: job.id, status: job.status, location } };
    }
    await this.worker.runJobNow(job);
    return {
      location,
      body: await this.imports.readImport(job.id, { tokenId: ctx.tokenId, readsAll: false }),
    };
  }
}
