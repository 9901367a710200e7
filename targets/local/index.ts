/**
 * Shared helpers for local servers (every targets/<store>/ provisioner uses them):
 * state/cache directories, Debian packages, detached processes with log and pid files,
 * TCP port checks and health waits, commands run as another user.
 */
export * from './paths.js';
export * from './exec.js';
export * from './user.js';
export * from './process.js';
export * from './net.js';
export * from './apt.js';
export * from './server.js';
export * from './lock.js';
