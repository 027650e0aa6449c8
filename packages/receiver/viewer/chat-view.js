import { el } from './dom.js';
import { jsonView } from './json-view.js';
import { cutKeepingMedia, textWithMedia } from './media-view.js';

/** Longest message text drawn; the rest is counted (a multi-MB message would stall the page). */
const MAX_TEXT = 20_000;

// Chat messages in the shapes LLM instrumentations record, rendered as a conversation:
// OpenAI ({ role, content: string | parts[], tool_calls }, also { messages } and { choices: [{ message }] }),
// Anthropic ({ system, messages }, content blocks text / tool_use / tool_result / image),
// OpenTelemetry GenAI ({ role, parts: [{ type: text | tool_call | tool_call_response, ... }] }).

/** The value as a list of { role, parts: [{ text } | { title, value }] }, or undefined when it is not chat messages. */
export function toMessages(value) {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === 'object') return toMessages(parsed);
    } catch {
      return undefined;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every(isMessage)) return undefined;
    return value.map(normalize);
  }
  if (!value || typeof value !== 'object') return undefined;
  if (Array.isArray(value.messages)) {
    const messages = toMessages(value.messages);
    if (!messages) return undefined;
    return typeof value.system === 'string' ? [{ role: 'system', parts: [{ text: value.system }] }, ...messages] : messages;
  }
  if (Array.isArray(value.choices) && value.choices.every((choice) => isMessage(choice?.message))) {
    return value.choices.map((choice) => normalize(choice.message));
  }
  if (isMessage(value)) return [normalize(value)];
  return undefined;
}

function isMessage(value) {
  return Boolean(value) && typeof value === 'object' && typeof value.role === 'string' &&
    ('content' in value || Array.isArray(value.parts) || Array.isArray(value.tool_calls));
}

function normalize(message) {
  const parts = [];
  const content = message.content;
  if (typeof content === 'string') parts.push({ text: content });
  else if (Array.isArray(content)) content.forEach((part) => parts.push(contentPart(part)));
  else if (content !== undefined && content !== null) parts.push({ title: 'content', value: content });
  for (const part of message.parts ?? []) parts.push(genAiPart(part));
  for (const call of message.tool_calls ?? []) {
    parts.push({ title: `tool call ${call.function?.name ?? call.name ?? ''}`.trim(), value: parseMaybe(call.function?.arguments ?? call.arguments ?? call) });
  }
  const role = message.name ? `${message.role} · ${message.name}` : message.role;
  return { role, parts };
}

function contentPart(part) {
  if (typeof part === 'string') return { text: part };
  if (part?.type === 'text' && typeof part.text === 'string') return { text: part.text };
  // An image part whose URL is a string (a media reference once uploaded) shows as the image; other shapes as JSON.
  if (part?.type === 'image_url' && typeof (part.image_url?.url ?? part.image_url) === 'string') return { title: 'image', text: part.image_url?.url ?? part.image_url };
  if (part?.type === 'tool_use') return { title: `tool call ${part.name ?? ''}`.trim(), value: part.input };
  if (part?.type === 'tool_result') {
    return typeof part.content === 'string' ? { title: 'tool result', text: part.content } : { title: 'tool result', value: part.content };
  }
  return { title: part?.type ?? 'part', value: part };
}

function genAiPart(part) {
  if (part?.type === 'text' && typeof part.content === 'string') return { text: part.content };
  if (part?.type === 'tool_call') return { title: `tool call ${part.name ?? ''}`.trim(), value: parseMaybe(part.arguments) };
  if (part?.type === 'tool_call_response') return { title: 'tool result', value: parseMaybe(part.response ?? part.result) };
  return { title: part?.type ?? 'part', value: part };
}

function parseMaybe(value) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function chatView(messages) {
  return el(
    'div',
    { class: 'chat' },
    messages.map((message) =>
      el(
        'div',
        { class: `message role-${String(message.role).split(' ')[0]}` },
        el('div', { class: 'role' }, message.role),
        message.parts.map((part) =>
          el(
            'div',
            { class: 'part' },
            part.title ? el('div', { class: 'part-title' }, part.title) : null,
            part.text !== undefined ? messageText(part.text) : jsonView(part.value),
          ),
        ),
      ),
    ),
  );
}

/** Chat messages as a conversation (with a toggle to the raw JSON), anything else as JSON. */
export function valueView(value) {
  const messages = toMessages(value);
  if (!messages) return typeof value === 'string' ? messageText(value) : jsonView(value);
  const raw = el('div', { class: 'raw', hidden: true }, jsonView(value));
  const chat = chatView(messages);
  const toggle = el('button', { type: 'button', class: 'link', onclick: () => {
    raw.hidden = !raw.hidden;
    chat.hidden = !chat.hidden;
    toggle.textContent = raw.hidden ? 'JSON' : 'Conversation';
  } }, 'JSON');
  return el('div', {}, toggle, chat, raw);
}

/** A message's text, media references drawn, cut at MAX_TEXT without breaking a reference. */
function messageText(text) {
  const shown = cutKeepingMedia(text, MAX_TEXT);
  return el('div', { class: 'text' }, textWithMedia(shown), shown.length < text.length ? `… (${text.length} characters)` : null);
}
