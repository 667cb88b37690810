import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, SecretBoxError, SecretKeyError, loadOrCreateKey } from './secret-box';

describe('SecretBox key ring (rotation)', () => {
  const oldKey = SecretBox.generateKey();
  const newKey = randomBytes(32).toString('hex');

  it('encrypts with the first key of the ring, under its id, and reads every listed key', () => {
    const single = SecretBox.fromKey(oldKey);
    const legacy = single.encrypt('before-rotation', 'ctx');
    const ring = SecretBox.fromKey(`new:${newKey},old:${oldKey}`);
    expect(ring.currentKeyId).toBe('new');
    const fresh = ring.encrypt('after-rotation', 'ctx');
    expect(fresh).toMatch(/^v2:new:[^:]+:[^:]+:[^:]+$/);
    expect(ring.decrypt(fresh, 'ctx')).toBe('after-rotation');
    // A v1 value (the single key, no id) is read with whichever key of the ring opens it.
    expect(ring.decrypt(legacy, 'ctx')).toBe('before-rotation');
    expect(ring.isCurrent(fresh)).toBe(true);
    expect(ring.isCurrent(legacy)).toBe(false);
    expect(single.isCurrent(legacy)).toBe(true);
  });

  it('names a key the ring no longer lists, and the context still binds', () => {
    const ring = SecretBox.fromKey(`old:${oldKey}`);
    const value = ring.encrypt('x', 'target:1');
    expect(() => SecretBox.fromKey(`new:${newKey}`).decrypt(value, 'target:1')).toThrow(
      /encrypted with key old, which SECRET_KEY does not list/,
    );
    expect(() => ring.decrypt(value, 'target:2')).toThrow(SecretBoxError);
  });

  it('refuses a malformed ring, describing it without printing a key', () => {
    expect(() => SecretBox.fromKey(`new:${newKey},new:${oldKey}`)).toThrow(/each key id may appear once/);
    expect(() => SecretBox.fromKey(`bad id!:${newKey}`)).toThrow(/entry 1 must be <id>:<key>/);
    let message = '';
    try {
      SecretBox.fromKey(`new:${newKey},old:short`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\(key old\) must be 32 bytes/);
    expect(message).not.toContain(newKey);
    expect(() => loadOrCreateKey({ envKey: `a:${newKey},b:nope`, dataDir: tmpdir() })).toThrow(
      SecretKeyError,
    );
  });
});

describe('SecretBox', () => {
  const box = SecretBox.fromKey(SecretBox.generateKey());

  it('round-trips, with a fresh IV each time', () => {
    const a = box.encrypt('s3cr3t-tøken');
    const b = box.encrypt('s3cr3t-tøken');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cr3t');
    expect(box.decrypt(a)).toBe('s3cr3t-tøken');
    expect(box.decrypt(b)).toBe('s3cr3t-tøken');
  });

  it('round-trips the empty string', () => {
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('rejects tampered ciphertext, tag and IV', () => {
    const [v, iv, tag, ct] = box.encrypt('bearer-token-value').split(':');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    expect(() => box.decrypt([v, iv, tag, flip(ct)].join(':'))).toThrow(SecretBoxError);
    expect(() => box.decrypt([v, iv, flip(tag), ct].join(':'))).toThrow(SecretBoxError);
    expect(() => box.decrypt([v, flip(iv), tag, ct].join(':'))).toThrow(SecretBoxError);
  });

  it('rejects a value encrypted with another key', () => {
    const other = SecretBox.fromKey(randomBytes(32).toString('hex'));
    expect(() => other.decrypt(box.encrypt('x'))).toThrow(SecretBoxError);
  });

  it('binds the value to its context', () => {
    const sealed = box.encrypt('client-secret', 'target:1:clientSecret');
    expect(box.decrypt(sealed, 'target:1:clientSecret')).toBe('client-secret');
    expect(() => box.decrypt(sealed, 'target:2:clientSecret')).toThrow(SecretBoxError);
  });

  it('rejects malformed envelopes and other versions', () => {
    expect(() => box.decrypt('plaintext')).toThrow(SecretBoxError);
    expect(() => box.decrypt(box.encrypt('x').replace(/^v1/, 'v2'))).toThrow(/v1/);
    expect(() => box.decrypt('v1:AAAA:AAAA:AAAA')).toThrow(/Malformed/);
  });

  it('accepts hex, base64 and base64url keys of 32 bytes', () => {
    const raw = randomBytes(32);
    const sealed = SecretBox.fromKey(raw.toString('hex')).encrypt('same key');
    expect(SecretBox.fromKey(raw.toString('base64')).decrypt(sealed)).toBe('same key');
    expect(SecretBox.fromKey(raw.toString('base64url')).decrypt(sealed)).toBe('same key');
  });

  it('rejects keys of the wrong size without echoing them', () => {
    const short = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      SecretBox.fromKey(short, 'SECRET_KEY');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toMatch(/^SECRET_KEY must be 32 bytes/);
    expect((error as Error).message).not.toContain(short);
    expect(() => SecretBox.fromKey('not a key!')).toThrow(SecretKeyError);
  });
});

describe('loadOrCreateKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'secret-box-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates <dataDir>/secret.key with mode 0600 once, then reuses it', () => {
    const first = loadOrCreateKey({ dataDir: dir });
    expect(first.source).toBe('created');
    expect(first.path).toBe(join(dir, 'secret.key'));
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path!, 'utf8').trim()).toBe(first.key);

    const second = loadOrCreateKey({ dataDir: dir });
    expect(second).toEqual({ key: first.key, source: 'file', path: first.path });
    const sealed = SecretBox.fromKey(first.key).encrypt('kept across restarts');
    expect(SecretBox.fromKey(second.key).decrypt(sealed)).toBe('kept across restarts');
  });

  it('prefers SECRET_KEY and writes no file', () => {
    const envKey = SecretBox.generateKey();
    expect(loadOrCreateKey({ envKey, dataDir: dir })).toEqual({ key: envKey, source: 'env' });
    expect(() => statSync(join(dir, 'secret.key'))).toThrow(/ENOENT/);
  });

  it('refuses an invalid SECRET_KEY with a message that does not contain it', () => {
    const envKey = 'hunter2-is-not-a-key';
    expect(() => loadOrCreateKey({ envKey, dataDir: dir })).toThrow(SecretKeyError);
    expect(() => loadOrCreateKey({ envKey, dataDir: dir })).toThrow(/^SECRET_KEY must be 32 bytes/);
    try {
      loadOrCreateKey({ envKey, dataDir: dir });
    } catch (err) {
      expect((err as Error).message).not.toContain(envKey);
    }
  });

  it('refuses a corrupt key file instead of silently replacing it', () => {
    writeFileSync(join(dir, 'secret.key'), 'garbage\n', { mode: 0o600 });
    expect(() => loadOrCreateKey({ dataDir: dir })).toThrow(SecretKeyError);
  });

  it('warns when an existing key file is readable by others', () => {
    const { path } = loadOrCreateKey({ dataDir: dir });
    chmodSync(path!, 0o644);
    expect(loadOrCreateKey({ dataDir: dir }).warning).toMatch(/readable by others \(mode 644\)/);
  });
});
