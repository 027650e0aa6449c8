import { createContextKey, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { OBSERVATION_KEY } from '../src/facade/context-keys.js';
import { ObservationContext } from '../src/facade/observation-context.js';

const spanOf = (spanId: string): Span =>
  trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: spanId.padStart(16, '0'), traceFlags: 1 });

const OTHER_KEY = createContextKey('another instrumentation');

describe("an observation's context", () => {
  const outerSpan = spanOf('1');
  const span = spanOf('2');
  const base = trace.setSpan(ROOT_CONTEXT.setValue(OTHER_KEY, 'kept').setValue(OBSERVATION_KEY, 'outer'), outerSpan);
  const context = ObservationContext.of(base, span, 'inner');

  it('reads as the API context with the span and the observation set would', () => {
    expect(trace.getSpan(context)).toBe(span);
    expect(context.getValue(OBSERVATION_KEY)).toBe('inner');
    expect(context.getValue(OTHER_KEY)).toBe('kept');
  });

  it('keeps both values through setValue and deleteValue of other keys', () => {
    const derived = context.setValue(OTHER_KEY, 'changed');
    expect(derived.getValue(OTHER_KEY)).toBe('changed');
    expect(trace.getSpan(derived)).toBe(span);
    expect(derived.getValue(OBSERVATION_KEY)).toBe('inner');
    const without = context.deleteValue(OTHER_KEY);
    expect(without.getValue(OTHER_KEY)).toBeUndefined();
    expect(trace.getSpan(without)).toBe(span);
    expect(context.getValue(OTHER_KEY)).toBe('kept');
  });

  it('replaces or removes the span and the observation without the outer ones showing through', () => {
    const noSpan = trace.deleteSpan(context);
    expect(trace.getSpan(noSpan)).toBeUndefined();
    expect(noSpan.getValue(OBSERVATION_KEY)).toBe('inner');
    const otherSpan = spanOf('3');
    expect(trace.getSpan(trace.setSpan(context, otherSpan))).toBe(otherSpan);
    const noObservation = context.deleteValue(OBSERVATION_KEY);
    expect(noObservation.getValue(OBSERVATION_KEY)).toBeUndefined();
    expect(trace.getSpan(noObservation)).toBe(span);
    expect(context.setValue(OBSERVATION_KEY, 'replaced').getValue(OBSERVATION_KEY)).toBe('replaced');
  });

  it('nests: a child replaces the span and the observation of its parent', () => {
    const childSpan = spanOf('4');
    const child = ObservationContext.of(context.setValue(OTHER_KEY, 'set inside'), childSpan, 'child');
    expect(trace.getSpan(child)).toBe(childSpan);
    expect(child.getValue(OBSERVATION_KEY)).toBe('child');
    expect(child.getValue(OTHER_KEY)).toBe('set inside');
    expect(trace.getSpan(context)).toBe(span);
  });
});
