import { describe, expect, it } from 'vitest';
import { ComponentLogger } from '../../src/diagnostics/component-logger.js';
import { TransportRoute } from '../../src/delivery/transport-route.js';

const route = (setting: 'auto' | 'ingestion' | 'otlp' = 'auto', baseUrl = 'http://localhost:3000') => new TransportRoute(setting, baseUrl, new ComponentLogger('test'));

describe('TransportRoute', () => {
  it('a refusal that arrives after another one already switched the route still resends over OTLP', () => {
    const r = route();
    expect(r.resendsElsewhere('ingestion', 'event-type-not-accepted')).toBe(true);
    expect(r.current).toBe('otlp');
    // A second export whose legacy request was in flight during the switch meets the same refusal.
    expect(r.resendsElsewhere('ingestion', 'event-type-not-accepted')).toBe(true);
    expect(r.current).toBe('otlp');
  });

  it('a switch made the way the spool does it (shouldSwitch, then switchFrom) leaves in-flight refusals resendable', () => {
    const r = route();
    if (r.shouldSwitch('ingestion', 'event-type-not-accepted')) r.switchFrom('ingestion', 'event-type-not-accepted');
    expect(r.current).toBe('otlp');
    expect(r.shouldSwitch('ingestion', 'event-type-not-accepted')).toBe(false);
    expect(r.resendsElsewhere('ingestion', 'event-type-not-accepted')).toBe(true);
  });

  it('the same holds from OTLP to the legacy path', () => {
    const r = route('auto', 'https://cloud.langfuse.com');
    expect(r.current).toBe('otlp');
    expect(r.resendsElsewhere('otlp', 'http-404')).toBe(true);
    expect(r.current).toBe('ingestion');
    expect(r.resendsElsewhere('otlp', 'http-404')).toBe(true);
  });

  it('switches back once, then holds: refusals on the path it came back to are final', () => {
    const r = route();
    expect(r.resendsElsewhere('ingestion', 'http-404')).toBe(true);
    expect(r.resendsElsewhere('otlp', 'http-404')).toBe(true);
    expect(r.current).toBe('ingestion');
    expect(r.resendsElsewhere('ingestion', 'http-404')).toBe(false);
    expect(r.switchFrom('ingestion', 'http-404')).toBe('ingestion');
    expect(r.current).toBe('ingestion');
    // A late OTLP refusal follows the route to where it points now.
    expect(r.resendsElsewhere('otlp', 'http-404')).toBe(true);
    expect(r.current).toBe('ingestion');
  });

  it('never resends for other reasons, nor with a fixed transport', () => {
    expect(route().resendsElsewhere('ingestion', 'http-400')).toBe(false);
    expect(route().resendsElsewhere('otlp', 'event-type-not-accepted')).toBe(false);
    const fixed = route('ingestion');
    expect(fixed.resendsElsewhere('ingestion', 'event-type-not-accepted')).toBe(false);
    expect(fixed.switchFrom('ingestion', 'event-type-not-accepted')).toBe('ingestion');
    expect(fixed.current).toBe('ingestion');
  });
});
