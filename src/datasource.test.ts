import { AnnotationQuery, CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';

import { DataSource } from './datasource';
import { SLOGuardOptions, SLOGuardQuery } from './types';

const dashboardVariables: Record<string, string> = {
  service: 'payment_service',
  slo: 'availability',
};

// A stand-in for Grafana's template service: replaces $name from scoped vars, then dashboard vars.
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({
    replace: (target: string, scopedVars?: ScopedVars) =>
      target.replace(
        /\$(\w+)/g,
        (match, name: string) => scopedVars?.[name]?.value ?? dashboardVariables[name] ?? match
      ),
  }),
}));

const instanceSettings = {
  uid: 'sloguard',
  type: 'sloguard-slo-datasource',
  name: 'SLOGuard',
  jsonData: {},
} as unknown as DataSourceInstanceSettings<SLOGuardOptions>;

function query(overrides: Partial<SLOGuardQuery> = {}): SLOGuardQuery {
  return { refId: 'A', queryType: 'slo_status', ...overrides };
}

describe('DataSource', () => {
  const ds = new DataSource(instanceSettings);

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
  const ds = new DataSource(instanceSettings);
  const annotation = (target?: Partial<SLOGuardQuery>) =>
    ({ name: 'SLO incidents', enable: true, iconColor: 'red', target }) as AnnotationQuery<SLOGuardQuery>;

  it('enables annotations with the standard editor (the query editor)', () => {
    expect(ds.annotations).toBeDefined();
    expect(ds.annotations?.QueryEditor).toBeUndefined();
    expect(ds.annotations?.processEvents).toBeUndefined();
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
      'keeps a query type the user picked',
      { refId: 'Anno', queryType: 'incidents' },
      { refId: 'Anno', queryType: 'incidents' },
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
