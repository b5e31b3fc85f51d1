import { describe, expect, it } from 'vitest';
import { check, errnoDescription, errnoName, SocketError } from './errors.js';

describe('errno names', () => {
  it('names the errnos the transport meets', () => {
    expect(errnoName(1)).toBe('EPERM');
    expect(errnoName(2)).toBe('ENOENT');
    expect(errnoName(11)).toBe('EAGAIN');
    expect(errnoName(17)).toBe('EEXIST');
    expect(errnoName(19)).toBe('ENODEV');
    expect(errnoName(90)).toBe('EMSGSIZE');
    expect(errnoName(93)).toBe('EPROTONOSUPPORT');
    expect(errnoName(95)).toBe('EOPNOTSUPP');
    expect(errnoName(105)).toBe('ENOBUFS');
    expect(errnoName(133)).toBe('EHWPOISON');
  });

  it('ignores the sign, as kernel-style returns are negative', () => {
    expect(errnoName(-105)).toBe('ENOBUFS');
    expect(errnoDescription(-17)).toBe('File exists');
  });

  it('falls back for numbers it does not know', () => {
    expect(errnoName(4095)).toBe('E4095');
    expect(errnoDescription(4095)).toBe('Unknown error 4095');
  });
});

describe('SocketError', () => {
  it('carries errno, code, syscall and path, and says them in its message', () => {
    const e = new SocketError(-2, 'open', { path: '/run/netns/x' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SocketError');
    expect(e.errno).toBe(2);
    expect(e.code).toBe('ENOENT');
    expect(e.syscall).toBe('open');
    expect(e.path).toBe('/run/netns/x');
    expect(e.message).toBe('open: ENOENT (No such file or directory): /run/netns/x');
  });

  it('appends a detail message', () => {
    const e = new SocketError(9, 'sendto', { message: 'the transport is closed' });
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('sendto: EBADF (Bad file number): the transport is closed');
  });

  it('check() passes results through and throws for -errno', () => {
    expect(check(0, 'bind')).toBe(0);
    expect(check(7, 'socket')).toBe(7);
    expect(() => check(-98, 'bind')).toThrow(expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind' }));
  });
});
