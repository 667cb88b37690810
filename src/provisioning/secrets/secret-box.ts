/**
 * Target secrets at rest (bearer tokens, OAuth client secrets): AES-256-GCM, a fresh 96-bit IV per value
 * (NIST SP 800-38D §8.2), stored as `v2:<keyId>:<iv>:<tag>:<ciphertext>` in base64, or `v1:<iv>:<tag>:<ciphertext>`
 * with a key that has no id. The key comes from SECRET_KEY, or is generated once into the data directory with mode
 * 0600 on the embedded default.
 *
 * Rotation: SECRET_KEY may list several keys with ids, `new:<key>,old:<key>`; new secrets use the first, stored
 * ones are read with theirs (a `v1` value with each key in turn: GCM's tag tells the right one), and
 * `npm run secrets:reencrypt` rewrites every stored secret with the first key, after which the old ones can go.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_FILE = 'secret.key';

/** A secret that cannot be read back: wrong key, tampered or truncated value. Never carries the secret itself. */
export class SecretBoxError extends Error {
  readonly code = 'SECRET_UNREADABLE';
}

/** SECRET_KEY or the key file is not a 32-byte key. The message describes the shape, never the value. */
export class SecretKeyError extends Error {
  readonly code = 'SECRET_KEY_INVALID';
}

interface RingKey {
  /** Null for a key given without an id (the single-key form): its values are `v1`. */
  id: string | null;
  key: Buffer;
}

export class SecretBox {
  private constructor(private readonly keys: RingKey[]) {}

  /**
   * One key (64 hex characters, or base64 of exactly 32 bytes), or a ring `id:key,id:key,…` whose first key
   * encrypts and all decrypt.
   */
  static fromKey(encoded: string, label = 'The secret key'): SecretBox {
    return new SecretBox(parseRing(encoded, label));
  }

  /** A new random key, base64, for SECRET_KEY. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** The id of the key new secrets are encrypted with (null: the single key without an id). */
  get currentKeyId(): string | null {
    return this.keys[0].id;
  }

  /** `context` (e.g. the target id and field) is authenticated, so a value copied to another row fails to decrypt. */
  encrypt(plaintext: string, context = ''): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')];
    return (id === null ? ['v1', ...parts] : ['v2', id, ...parts]).join(':');
  }

  decrypt(envelope: string, context = ''): string {
    const parts = envelope.split(':');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.keys.find((k) => k.id === parts[1]);
      if (!key)
        throw new SecretBoxError(
          `The secret was encrypted with key ${parts[1]}, which SECRET_KEY does not list`,
        );
      return open(key.key, sealed(parts.slice(2)), context);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const value = sealed(parts.slice(1));
      for (const { key } of this.keys) {
        try {
          return open(key, value, context);
        } catch {
          // GCM's tag says whether this key was the one: try the next.
        }
      }
      throw new SecretBoxError('Cannot decrypt the secret: wrong key, or the stored value was altered');
    }
    throw new SecretBoxError('Not a secret envelope (v1 or v2)');
  }

  /** Whether a stored value is encrypted with another key than the current one (re-encryption would rewrite it). */
  isCurrent(envelope: string): boolean {
    const [version, id] = envelope.split(':');
    return this.keys[0].id === null ? version === 'v1' : version === 'v2' && id === this.keys[0].id;
  }
}

interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function sealed([ivText, tagText, ctText]: string[]): Sealed {
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new SecretBoxError('Malformed secret envelope');
  return { iv, tag, ciphertext: Buffer.from(ctText, 'base64') };
}

function open(key: Buffer, { iv, tag, ciphertext }: Sealed, context: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('Cannot decrypt the secret: wrong key, or the stored value was altered');
  }
}

/** `key`, or `id:key,id:key,…` (ids unique; the messages describe shapes, never a key). */
function parseRing(encoded: string, label: string): RingKey[] {
  const text = encoded.trim();
  if (!text.includes(':')) return [{ id: null, key: decodeKey(text, label) }];
  const keys = text.split(',').map((entry, i): RingKey => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    if (colon < 0 || !KEY_ID.test(id))
      throw new SecretKeyError(
        `${label}: entry ${i + 1} must be <id>:<key> with an id of 1-32 letters, digits, _ or -`,
      );
    return { id, key: decodeKey(entry.slice(colon + 1), `${label} (key ${id})`) };
  });
  const ids = keys.map((k) => k.id);
  if (new Set(ids).size !== ids.length) throw new SecretKeyError(`${label}: each key id may appear once`);
  return keys;
}

export interface LoadedKey {
  key: string;
  source: 'env' | 'file' | 'created';
  path?: string;
  /** Set when an existing key file is readable by others than its owner. */
  warning?: string;
}

/**
 * SECRET_KEY when given (validated), else `<dataDir>/secret.key`, created once with mode 0600 and reused. Creation
 * is atomic (write a temporary file, then link it into place), so two processes starting together agree on one key.
 */
export function loadOrCreateKey(options: { envKey?: string; dataDir: string }): LoadedKey {
  if (options.envKey !== undefined && options.envKey.trim() !== '') {
    parseRing(options.envKey, 'SECRET_KEY');
    return { key: options.envKey.trim(), source: 'env' };
  }
  const path = join(options.dataDir, SECRET_KEY_FILE);
  const existing = readKeyFile(path);
  if (existing) return existing;

  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${SecretBox.generateKey()}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process created it first: use theirs.
    return readKeyFile(path)!;
  } finally {
    unlinkSync(temp);
  }
  return { ...readKeyFile(path)!, source: 'created' };
}

function readKeyFile(path: string): LoadedKey | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = text.trim();
  decodeKey(key, `The key file ${path}`);
  const mode = statSync(path).mode & 0o777;
  const warning =
    mode & 0o077
      ? `${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`
      : undefined;
  return { key, source: 'file', path, ...(warning ? { warning } : {}) };
}

function decodeKey(encoded: string, label: string): Buffer {
  const text = encoded.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) key = Buffer.from(text, 'base64');
  if (key?.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${label} must be 32 bytes encoded as 64 hex characters or 44 base64 characters ` +
        `(got ${text.length} characters); generate one with: openssl rand -base64 32`,
    );
  }
  return key;
}
