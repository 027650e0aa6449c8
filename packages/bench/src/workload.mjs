// The traced operation every competitor runs: one trace = a root span + one generation (2 OTel spans), each
// carrying ~1 KB of input and ~1 KB of output. Payloads come from a seeded pool of distinct texts so that gzip
// on the OTLP path sees realistic (not endlessly repeated) data; every process builds the same pool.

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out many then ' +
  'them these so some her would make like him into time has look two more write go see number no way could people my ' +
  'than first water been call who oil its now find long down day did get come made may part model token prompt answer ' +
  'context retrieval latency vector embedding customer invoice refund shipping order account password billing support'
).split(' ');

/** Small deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(random, bytes) {
  let out = '';
  while (out.length < bytes) out += WORDS[Math.floor(random() * WORDS.length)] + (random() < 0.08 ? '. ' : ' ');
  return out.slice(0, bytes);
}

const SYSTEM_PROMPT = text(prng(7), 380);
export const POOL_SIZE = 256;

/** `POOL_SIZE` payloads: `messages` (~1 KB as JSON: a fixed system prompt + a varied user message) and `answer` (~1 KB). */
export const PAYLOADS = (() => {
  const random = prng(42);
  const pool = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    const messages = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: text(random, 560) },
    ];
    pool.push({ messages, answer: text(random, 1000) });
  }
  return pool;
})();

export const MODEL = 'gpt-4o-mini';
export const USER_ID = 'user-1234';
export const SESSION_ID = 'session-5678';

/** The "LLM call": returns the answer on a later microtask, like a resolved client promise. */
export async function fakeLlm(payload) {
  return payload.answer;
}

/** Yields to the event loop (timers, I/O, setImmediate) the way a server does between requests. */
export function yieldToLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bytes of the JSON of one op's payload (for the docs). */
export function payloadBytes() {
  const p = PAYLOADS[0];
  return { input: JSON.stringify(p.messages).length, output: p.answer.length };
}

/**
 * Payloads whose user message also carries an image as a `data:image/png;base64,…` URI of `imageBytes` bytes (an
 * OpenAI-style vision message), `distinct` different images in rotation: media the exporter uploads.
 */
export function mediaPayloads(imageBytes, distinct = 16) {
  return PAYLOADS.map((payload, i) => {
    const random = prng(99 + (i % distinct));
    const image = Buffer.alloc(imageBytes);
    image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    image.writeUInt32BE(i % distinct, 8);
    for (let k = 12; k < imageBytes; k += 4096) image[k] = Math.floor(random() * 256);
    const [system, user] = payload.messages;
    const content = [
      { type: 'text', text: user.content },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } },
    ];
    return { messages: [system, { role: 'user', content }], answer: payload.answer };
  });
}
