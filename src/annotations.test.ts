import { FieldType, toDataFrame } from '@grafana/data';

import { annotationEvents } from './annotations';

// The backend's annotation frame: an open incident, a resolved incident and an alert change.
const frame = toDataFrame({
  fields: [
    { name: 'time', type: FieldType.time, values: [1000, 2000, 3000] },
    { name: 'timeEnd', type: FieldType.time, values: [null, 9000, null] },
    { name: 'title', type: FieldType.string, values: ['open incident', 'resolved incident', 'alert firing'] },
    { name: 'text', type: FieldType.string, values: ['a', 'b', 'c'] },
    {
      name: 'tags',
      type: FieldType.string,
      values: [
        'sloguard,incident,payment_service,availability,critical,open',
        'sloguard,incident,payment_service,latency,critical,resolved',
        'sloguard,alert,payment_service,availability,fast_burn,critical,firing',
      ],
    },
  ],
});

describe('annotationEvents', () => {
  it('keeps every event of the frame, in order (the backend applies show)', () => {
    expect(annotationEvents([frame]).map((e) => e.title)).toEqual([
      'open incident',
      'resolved incident',
      'alert firing',
    ]);
  });

  it('a resolved incident is a region, an open one and an alert change are instants', () => {
    const [open, resolved, alert] = annotationEvents([frame]);

    expect(open).toMatchObject({ time: 1000, isRegion: false, timeEnd: undefined });
    expect(resolved).toMatchObject({ time: 2000, isRegion: true, timeEnd: 9000 });
    expect(alert).toMatchObject({ time: 3000, isRegion: false, text: 'c' });
  });

  it('splits the tags', () => {
    expect(annotationEvents([frame])[2].tags).toEqual([
      'sloguard',
      'alert',
      'payment_service',
      'availability',
      'fast_burn',
      'critical',
      'firing',
    ]);
  });

  it('answers no events for an empty frame', () => {
    expect(annotationEvents([toDataFrame({ fields: [] })])).toEqual([]);
  });
});
