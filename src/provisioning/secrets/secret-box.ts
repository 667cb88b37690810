/**
 * Target secrets at rest (bearer tokens, OAuth client secrets): AES-256-GCM, a fresh 96-bit IV per value
 * (NIST SP 800-38D §8.2), stored as `v1:<iv>:<tag>:<ciphertext>` in base64. The key comes from SECRET_KEY, or is
 * generated once into the data directory with mode 0600 on the embedded default (issue #5).
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

const VERSION = 'v1';
const KEY_BYTES = 32;
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

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** From 64 hex characters or base64 (standard or url-safe) of exactly 32 bytes. */
  static fromKey(encoded: string, label = 'The secret key'): SecretBox {
    return new SecretBox(decodeKey(encoded, label));
  }

  /** A new random key, base64, for SECRET_KEY. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** `context` (e.g. the target id and field) is authenticated, so a value copied to another row fails to decrypt. */
  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(envelope: string, context = ''): string {
    const parts = envelope.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretBoxError(`Not a ${VERSION} secret envelope`);
    }
    const [, ivText, tagText, ctText] = parts;
    const iv = Buffer.from(ivText, 'base64');
    const tag = Buffer.from(tagText, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretBoxError('Malformed secret envelope');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('Cannot decrypt the secret: wrong key, or the stored value was altered');
    }
  }
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
    decodeKey(options.envKey, 'SECRET_KEY');
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
