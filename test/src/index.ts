export * from './run-cli.js';
export * from './system-tools.js';
