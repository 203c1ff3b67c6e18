export type { ByteTransport } from './byte-transport.js';
export * from './tcp-transport.js';
export * from './memory-transport.js';
export * from './transport-url.js';
