// The queue the gateway hands questions to when the demo runs Redis (REDIS_PORT set): BullMQ on 127.0.0.1.
export const QUEUE_NAME = 'answers';

/** BullMQ's connection options for the demo's Redis, or undefined when the demo runs without one. */
export function redisConnection() {
  const port = Number(process.env.REDIS_PORT);
  return Number.isInteger(port) && port > 0 ? { host: '127.0.0.1', port } : undefined;
}
