import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerConfigPath, readCredentials, removeCredentials, storeCredentials } from './docker-config.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-docker-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('docker config credentials', () => {
  it('uses $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/d' })).toBe('/d/config.json');
    expect(dockerConfigPath({ HOME: '/h' })).toBe('/h/.docker/config.json');
  });

  it('reads base64 user:pass (the password may hold colons), also under a URL key docker once wrote', () => {
    const auth = Buffer.from('ann:pa:ss').toString('base64');
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ auths: { 'https://reg.example': { auth } } }),
    );
    expect(readCredentials('reg.example', { DOCKER_CONFIG: dir })).toEqual({
      username: 'ann',
      password: 'pa:ss',
      source: path.join(dir, 'config.json'),
    });
    expect(readCredentials('other.example', { DOCKER_CONFIG: dir })).toBeUndefined();
  });

  it('login writes only its entry (mode 0600, other keys kept); logout removes only it', async () => {
    const file = path.join(dir, 'config.json');
    const before = {
      auths: { 'keep.example': { auth: 'a2VlcDprZWVw' } },
      credHelpers: { 'other.example': 'desktop' },
      proxies: { x: 1 },
    };
    fs.writeFileSync(file, JSON.stringify(before));
    expect(await storeCredentials('127.0.0.1:5000', 'ann', 's3cret', { DOCKER_CONFIG: dir })).toEqual({
      file,
    });
    const after = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(after).toEqual({
      ...before,
      auths: { ...before.auths, '127.0.0.1:5000': { auth: Buffer.from('ann:s3cret').toString('base64') } },
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
    expect(await removeCredentials('127.0.0.1:5000', { DOCKER_CONFIG: dir })).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(before);
    expect(await removeCredentials('127.0.0.1:5000', { DOCKER_CONFIG: dir })).toBe(false);
  });

  it('creates the directory and file when missing', async () => {
    const nested = path.join(dir, 'new');
    await storeCredentials('h:1', 'u', 'p', { DOCKER_CONFIG: nested });
    expect(readCredentials('h:1', { DOCKER_CONFIG: nested })?.username).toBe('u');
  });

  it('refuses a config that is not JSON, naming the file and not the secret', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), '{"auths": {"h": {"auth": "c2VjcmV0"}}');
    expect(() => readCredentials('h', { DOCKER_CONFIG: dir })).toThrow(
      `${path.join(dir, 'config.json')}: expected JSON, found malformed text`,
    );
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ auths: { h: { auth: Buffer.from('nocolon').toString('base64') } } }),
    );
    expect(() => readCredentials('h', { DOCKER_CONFIG: dir })).toThrow(
      /auths\.h\.auth: expected base64 of user:password$/,
    );
  });
});
