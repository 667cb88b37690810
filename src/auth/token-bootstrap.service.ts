import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthService } from './auth.service';

/** The secrets generated on first start, shown once (`main.ts` prints them with the URLs once listening). */
export interface FirstStartTokens {
  /** Undefined when the operator chose it (BOOTSTRAP_ADMIN_TOKEN): it is never shown. */
  admin?: string;
  scim?: string;
}

/**
 * On first start (no token at all), creates one admin and one SCIM token. Generated secrets are kept for the start
 * banner, which shows them once, outside the JSON log, so the operator can copy them; secrets given through
 * BOOTSTRAP_ADMIN_TOKEN / BOOTSTRAP_SCIM_TOKEN are never shown.
 */
@Injectable()
export class TokenBootstrapService implements OnApplicationBootstrap {
  private created?: FirstStartTokens;

  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.auth.hasAnyToken()) return;
    const { adminToken, scimToken } = this.config.bootstrap;
    const admin = await this.auth.issueToken('bootstrap-admin', ['admin'], { secret: adminToken });
    const scim = await this.auth.issueToken('bootstrap-scim', ['scim'], { secret: scimToken });
    if (adminToken && scimToken) return; // the operator chose both secrets: nothing to show
    this.created = { admin: adminToken ? undefined : admin.token, scim: scimToken ? undefined : scim.token };
  }

  /** The tokens this start created, once: a second call gets nothing. */
  takeFirstStartTokens(): FirstStartTokens | undefined {
    const created = this.created;
    this.created = undefined;
    return created;
  }
}
