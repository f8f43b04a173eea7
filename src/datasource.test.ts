import { AnnotationQuery, CoreApp, FieldType, ScopedVars, toDataFrame } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { setTemplateSrv } from '@grafana/runtime';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { DataSource, singleValue } from './datasource';
import { FakeBackendSrv, fetchError, resourcePath, useFakeBackend } from './test/backendSrv';
import { testDataSource } from './test/datasource';
import { slo } from './test/fixtures';
import { fakeTemplateSrv } from './test/templateSrv';
import { SLOGuardQuery, SLOInfo } from './types';

beforeEach(() => {
  setTemplateSrv(
    fakeTemplateSrv({
      service: 'payment_service',
      slo: 'availability',
      // Multi-value variables: one value picked, several picked (or All).
      one: ['checkout'],
      several: ['checkout', 'search'],
    })
  );
});

function query(overrides: Partial<SLOGuardQuery> = {}): SLOGuardQuery {
  return { refId: 'A', queryType: 'slo_status', ...overrides };
}

describe('DataSource', () => {
  const ds = testDataSource();

  it('defaults new queries to the slo_status query type', () => {
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({ queryType: 'slo_status' });
  });

  it.each<[string, Partial<SLOGuardQuery>, ScopedVars, Partial<SLOGuardQuery>]>([
    [
      'replaces $service and $slo from dashboard variables',
      { service: '$service', slo: '$slo' },
      {},
      { service: 'payment_service', slo: 'availability' },
    ],
    [
      'prefers scoped variables (repeated panels) over dashboard variables',
      { service: '$service' },
      { service: { text: 'search_service', value: 'search_service' } },
      { service: 'search_service' },
    ],
    [
      'leaves literal names alone',
      { service: 'checkout', slo: 'latency' },
      {},
      { service: 'checkout', slo: 'latency' },
    ],
    ['keeps empty service and slo empty (all)', { service: '', slo: undefined }, {}, { service: '', slo: undefined }],
    ['leaves unknown variables as typed', { slo: '$unknown' }, {}, { slo: '$unknown' }],
    [
      'takes the value of a multi-value variable with one value picked',
      { service: '$one' },
      {},
      { service: 'checkout' },
    ],
    [
      'sends the values of a multi-value variable with several values picked as a list',
      { service: '$several', slo: '$several' },
      {},
      { service: '', services: ['checkout', 'search'], slo: '', slos: ['checkout', 'search'] },
    ],
  ])('applyTemplateVariables %s', (_, input, scopedVars, expected) => {
    const original = query({ windows: ['5m', '1h'], ...input });

    const result = ds.applyTemplateVariables(original, scopedVars);

    expect(result).toEqual({ ...original, ...expected });
  });

  it('applyTemplateVariables does not mutate the query', () => {
    const original = query({ service: '$service' });

    ds.applyTemplateVariables(original, {});

    expect(original.service).toBe('$service');
  });

  it.each([
    [true, false],
    [false, true],
    [undefined, true],
  ])('filterQuery with hide=%s returns %s', (hide, expected) => {
    expect(ds.filterQuery(query({ hide }))).toBe(expected);
  });
});

describe('DataSource annotations', () => {
  const ds = testDataSource();
  const annotation = (target?: Partial<SLOGuardQuery>) =>
    ({ name: 'SLO incidents', enable: true, iconColor: 'red', target }) as AnnotationQuery<SLOGuardQuery>;

  it('enables annotations with an editor of their own', () => {
    expect(ds.annotations?.QueryEditor).toBe(AnnotationQueryEditor);
  });

  it('processEvents turns the frame into events: a resolved incident as a region, an alert change as an instant', async () => {
    const frame = toDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 2000] },
        { name: 'timeEnd', type: FieldType.time, values: [5000, null] },
        { name: 'title', type: FieldType.string, values: ['SLO violation', 'fast_burn firing'] },
        { name: 'text', type: FieldType.string, values: ['resolved', 'burn'] },
        { name: 'tags', type: FieldType.string, values: ['sloguard,incident,pay,avail', 'sloguard,alert,pay,avail'] },
      ],
    });

    const events = await lastValueFrom(ds.annotations!.processEvents!(annotation({ show: 'all' }), [frame]));

    expect(events).toEqual([
      {
        time: 1000,
        timeEnd: 5000,
        isRegion: true,
        title: 'SLO violation',
        text: 'resolved',
        tags: ['sloguard', 'incident', 'pay', 'avail'],
      },
      {
        time: 2000,
        timeEnd: undefined,
        isRegion: false,
        title: 'fast_burn firing',
        text: 'burn',
        tags: ['sloguard', 'alert', 'pay', 'avail'],
      },
    ]);
  });

  it('starts a new annotation with the annotations query type', () => {
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({ queryType: 'annotations' });
  });

  it.each<[string, Partial<SLOGuardQuery> | undefined, SLOGuardQuery]>([
    [
      'runs an annotation without a target as the default query',
      undefined,
      { refId: 'Anno', queryType: 'annotations' },
    ],
    [
      'fills in the query type of a target without one, keeping its selection',
      { refId: 'A', service: '$service' },
      { refId: 'A', queryType: 'annotations', service: '$service' },
    ],
    [
      'keeps an annotations query as it is',
      { refId: 'Anno', queryType: 'annotations', service: 'payment_service', slo: 'availability' },
      { refId: 'Anno', queryType: 'annotations', service: 'payment_service', slo: 'availability' },
    ],
    [
      'runs a target saved with another query type as annotations',
      { refId: 'Anno', queryType: 'incidents', service: 'checkout' },
      { refId: 'Anno', queryType: 'annotations', service: 'checkout' },
    ],
  ])('prepareQuery %s', (_, target, expected) => {
    expect(ds.annotations?.prepareQuery?.(annotation(target))).toEqual(expected);
  });

  it('prepareQuery does not mutate the annotation', () => {
    const anno = annotation({ refId: 'A', service: 'checkout' });

    ds.annotations?.prepareQuery?.(anno);

    expect(anno.target).toEqual({ refId: 'A', service: 'checkout' });
  });

  it('annotation queries get template variables applied like panel queries', () => {
    const query = ds.annotations?.prepareQuery?.(annotation({ service: '$service' }));

    expect(ds.applyTemplateVariables(query!, {})).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      service: 'payment_service',
    });
  });
});

describe('singleValue', () => {
  it.each<[string | string[], string]>([
    ['checkout', 'checkout'],
    [['checkout'], 'checkout'],
    [['checkout', 'search'], ''],
    [[], ''],
  ])('formats %j as %j', (value, expected) => {
    expect(singleValue(value)).toBe(expected);
  });
});

describe('DataSource resources', () => {
  let ds: DataSource;
  let backend: FakeBackendSrv;
  const slos: SLOInfo[] = [slo('payment_service', 'availability')];

  beforeEach(() => {
    // A new data source per test: it caches the resources it fetched.
    ds = testDataSource();
    backend = useFakeBackend();
    backend.on(`GET ${resourcePath('sloguard', 'slos')}`, () => slos);
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => [
      { name: 'payment_service', logName: 'payment', slos: 1 },
    ]);
  });

  it('getServices reads GET services', async () => {
    await expect(ds.getServices()).resolves.toEqual([{ name: 'payment_service', logName: 'payment', slos: 1 }]);
  });

  it.each<[string | undefined, Record<string, string>]>([
    [undefined, {}],
    ['checkout', { service: 'checkout' }],
    ['$service', { service: 'payment_service' }],
    ['$several', {}],
  ])('getSLOs(%j) asks GET slos with params %j', async (service, params) => {
    await expect(ds.getSLOs(service)).resolves.toEqual(slos);

    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0].params).toEqual(params);
  });

  it('fetches each resource once for the same arguments, however often it is asked', async () => {
    await Promise.all([ds.getServices(), ds.getServices()]);
    await ds.getServices();
    await Promise.all([ds.getSLOs('checkout'), ds.getSLOs('checkout'), ds.getSLOs('$service')]);
    await ds.getSLOs('payment_service');
    await Promise.all([ds.getSLOs(), ds.getSLOs('$several')]);

    expect(backend.requests.map((r) => [r.url, r.params ?? {}])).toEqual([
      [resourcePath('sloguard', 'services'), {}],
      [resourcePath('sloguard', 'slos'), { service: 'checkout' }],
      [resourcePath('sloguard', 'slos'), { service: 'payment_service' }],
      [resourcePath('sloguard', 'slos'), {}],
    ]);
  });

  it('fetches again after a failed fetch', async () => {
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => {
      throw fetchError(503, { error: 'SLO config: services: required' });
    });
    await expect(ds.getServices()).rejects.toMatchObject({ status: 503 });
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => []);

    await expect(ds.getServices()).resolves.toEqual([]);
    expect(backend.requests).toHaveLength(2);
  });

  it('fetches again once an answer is 30 seconds old', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    await ds.getServices();
    now.mockReturnValue(1_029_999);
    await ds.getServices();
    expect(backend.requests).toHaveLength(1);

    now.mockReturnValue(1_030_000);
    await ds.getServices();
    expect(backend.requests).toHaveLength(2);
    now.mockRestore();
  });

  it('does not share the resources of one data source with another', async () => {
    await ds.getServices();
    await testDataSource().getServices();

    expect(backend.requests).toHaveLength(2);
  });
});
