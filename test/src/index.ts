export * from './run-cli.js';
export * from './system-tools.js';
export * from './influxd.js';
