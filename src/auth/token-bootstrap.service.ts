import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthService } from './auth.service';

/**
 * On first start (no token at all), creates one admin and one SCIM token. Generated secrets are printed
 * once to stdout, outside the JSON log, so the operator can copy them; secrets given through
 * BOOTSTRAP_ADMIN_TOKEN / BOOTSTRAP_SCIM_TOKEN are never printed.
 */
@Injectable()
export class TokenBootstrapService implements OnApplicationBootstrap {
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
    const lines = ['', 'First start: two API tokens were created. They are shown once; store them now.'];
    lines.push(`  admin token (scope admin): ${adminToken ? '(from BOOTSTRAP_ADMIN_TOKEN)' : admin.token}`);
    lines.push(`  SCIM token  (scope scim):  ${scimToken ? '(from BOOTSTRAP_SCIM_TOKEN)' : scim.token}`);
    process.stdout.write(lines.join('\n') + '\n\n');
  }
}
