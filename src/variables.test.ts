import { DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { setTemplateSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { FakeBackendSrv, resourcePath, useFakeBackend } from './test/backendSrv';
import { testDataSource } from './test/datasource';
import { slo } from './test/fixtures';
import { fakeTemplateSrv } from './test/templateSrv';
import { SLOGuardVariableQuery, SLOInfo } from './types';
import { SLOGuardVariableSupport, variableValues } from './variables';

const ds = testDataSource();

const SLOS: SLOInfo[] = [
  slo('payment_service', 'availability'),
  slo('payment_service', 'latency'),
  slo('search_service', 'availability'),
];

function variableQuery(query: Partial<SLOGuardVariableQuery>): SLOGuardVariableQuery {
  return { refId: 'variable', kind: 'services', ...query };
}

describe('template variables', () => {
  let backend: FakeBackendSrv;

  beforeEach(() => {
    setTemplateSrv(fakeTemplateSrv({ service: 'search_service' }));
    backend = useFakeBackend();
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => [
      { name: 'payment_service', logName: 'payment', slos: 2 },
      { name: 'search_service', logName: 'search', slos: 1 },
    ]);
    backend.on(`GET ${resourcePath('sloguard', 'slos')}`, (r) => {
      const service = (r.params as { service?: string }).service;
      return SLOS.filter((s) => !service || s.service === service);
    });
  });

  it('a services variable lists the services of the SLO config', async () => {
    await expect(variableValues(ds, variableQuery({ kind: 'services' }))).resolves.toEqual([
      { text: 'payment_service', value: 'payment_service' },
      { text: 'search_service', value: 'search_service' },
    ]);
  });

  it('a new variable without a kind lists the services', async () => {
    await expect(variableValues(ds, undefined)).resolves.toHaveLength(2);
  });

  it.each<[string, string | undefined, string[]]>([
    ['of a service', 'payment_service', ['availability', 'latency']],
    ['of the service a variable holds', '$service', ['availability']],
    ['of every service, each name once', undefined, ['availability', 'latency']],
  ])('an SLOs variable lists the SLOs %s', async (_, service, names) => {
    const values = await variableValues(ds, variableQuery({ kind: 'slos', service }));

    expect(values).toEqual(names.map((n) => ({ text: n, value: n })));
  });

  it('a new variable starts as a services variable', () => {
    const support = ds.variables as SLOGuardVariableSupport;

    expect(support.getDefaultQuery()).toEqual({ kind: 'services' });
  });

  it('the variable support answers a variable request with text/value pairs', async () => {
    const support = ds.variables as SLOGuardVariableSupport;
    const request = {
      targets: [variableQuery({ kind: 'slos', service: '$service' })],
      scopedVars: {},
    } as unknown as DataQueryRequest<SLOGuardVariableQuery>;

    const response: DataQueryResponse = await lastValueFrom(support.query(request));

    expect(response.data).toEqual([{ text: 'availability', value: 'availability' }]);
  });
});
