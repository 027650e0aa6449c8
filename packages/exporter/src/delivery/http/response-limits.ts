/**
 * The most a server's answer may weigh, body (after decompression) and headers. Past it the request is aborted and
 * its outcome is unknown (`response-too-large`): a broken server or proxy streaming an endless body, a slow drip or a
 * gzip bomb must cost the app a bounded amount of memory, never an out-of-memory crash.
 *
 * The largest legitimate answer is a 207 refusing every event of a full 3.5 MB batch of the smallest events the
 * exporter makes (a Langfuse v4 `events_only` server does exactly that): measured at ~0.7 bytes of answer per byte of
 * batch (~2.4 MiB; `response-limits.test.ts` sends such a batch). 8 MiB leaves room for longer error details.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * Response headers, all together. Set here rather than left to Node's default so that an app raising
 * `--max-http-header-size` for its own server does not raise it for the exporter too.
 */
export const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

/** The reason a too-large answer is counted under (body past the cap, or headers past theirs). */
export const RESPONSE_TOO_LARGE = 'response-too-large';

/** Node's error code for headers past `maxHeaderSize`. */
export const HEADER_OVERFLOW_CODE = 'HPE_HEADER_OVERFLOW';
