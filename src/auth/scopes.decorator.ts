import { SetMetadata } from '@nestjs/common';
import type { TokenScope } from './api-token.entity';

export const SCOPES_KEY = 'auth:scopes';
export const PUBLIC_KEY = 'auth:public';
export const ANY_SCOPE_KEY = 'auth:any-scope';

/** The scope a route needs; a token must hold it (403 otherwise). */
export const Scopes = (...scopes: TokenScope[]) => SetMetadata(SCOPES_KEY, scopes);

/** A route any of these scopes may call (e.g. results an HR client and an operator both read). */
export const AnyScope = (...scopes: TokenScope[]) => SetMetadata(ANY_SCOPE_KEY, scopes);

/** A route that needs no token (health probes). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
