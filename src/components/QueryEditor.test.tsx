import React from 'react';
import { setTemplateSrv } from '@grafana/runtime';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { DataSource } from '../datasource';
import { FakeBackendSrv, fetchError, resourcePath, useFakeBackend } from '../test/backendSrv';
import { answered, testDataSource } from '../test/datasource';
import { sizeElements } from '../test/dom';
import { slo } from '../test/fixtures';
import { fakeTemplateSrv } from '../test/templateSrv';
import { QueryType, ServiceInfo, SLOGuardQuery, SLOInfo } from '../types';
import { QueryEditor } from './QueryEditor';
import { QUERY_TYPES } from './query/queryTypes';

const SERVICES: ServiceInfo[] = [
  { name: 'payment_service', logName: 'payment', slos: 2 },
  { name: 'search_service', logName: 'search', slos: 1 },
];

const SLOS: SLOInfo[] = [
  slo('payment_service', 'availability'),
  slo('payment_service', 'latency'),
  slo('search_service', 'freshness'),
];

let datasource: DataSource;

/** sloRequests are the services asked for in GET slos, "" for all. */
function sloRequests(): string[] {
  return fakeBackend.requests
    .filter((r) => r.url === resourcePath('sloguard', 'slos'))
    .map((r) => String((r.params as { service?: string }).service ?? ''));
}

/** setup renders the editor and lets the pickers' resource requests answer. */
async function setup(query: Partial<SLOGuardQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const fullQuery = { refId: 'A', queryType: 'slo_status', ...query } as SLOGuardQuery;
  render(<QueryEditor datasource={datasource} query={fullQuery} onChange={onChange} onRunQuery={onRunQuery} />);
  await answered();
  return { onChange, onRunQuery, query: fullQuery };
}

let fakeBackend: FakeBackendSrv;

describe('QueryEditor', () => {
  beforeEach(() => {
    // A new data source per test: it caches the resources it fetched.
    datasource = testDataSource();
    fakeBackend = useFakeBackend();
    fakeBackend.on(`GET ${resourcePath('sloguard', 'services')}`, () => SERVICES);
    fakeBackend.on(`GET ${resourcePath('sloguard', 'slos')}`, (r) => {
      const service = (r.params as { service?: string } | undefined)?.service;
      return SLOS.filter((s) => !service || s.service === service);
    });
    setTemplateSrv(fakeTemplateSrv({ service: 'search_service', slo: 'freshness' }));
    sizeElements();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each<[string, QueryType, Partial<SLOGuardQuery>]>([
    ['Error budget', 'error_budget', {}],
    ['Burn rate', 'burn_rate', { windows: ['5m', '30m', '1h', '6h'] }],
    ['SLI', 'sli', { window: '5m' }],
    ['Journey steps', 'journey_steps', { mode: 'table' }],
    ['Alerts', 'alerts', {}],
    ['Incidents', 'incidents', {}],
  ])('choosing %s sets queryType %s with its defaults and runs the query', async (label, queryType, defaults) => {
    const { onChange, onRunQuery } = await setup({
      service: 'payment_service',
      slo: 'latency',
      instant: true,
      percentiles: ['p50'],
    });

    await userEvent.click(screen.getByRole('radio', { name: label }));

    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType,
      service: 'payment_service',
      slo: 'latency',
      ...defaults,
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it.each(QUERY_TYPES.map((t) => [t.value, t.description]))('describes %s as %j', async (queryType, description) => {
    await setup({ queryType: queryType as QueryType });

    expect(screen.getByText(description)).toBeInTheDocument();
  });

  it('selects SLO status for a query saved without a type', async () => {
    await setup({ queryType: undefined });

    expect(screen.getByRole('radio', { name: 'SLO status' })).toBeChecked();
  });

  it('offers the services of the SLO config and the template variables', async () => {
    await setup();

    await userEvent.click(screen.getByLabelText('Service'));

    expect(await screen.findByRole('option', { name: /payment_service/ })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /search_service/ })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /\$service/ })).toBeInTheDocument();
  });

  it('picking a service sets it, drops the SLO of the old service and runs the query', async () => {
    const { onChange, onRunQuery } = await setup({ service: 'payment_service', slo: 'latency' });

    await userEvent.click(screen.getByLabelText('Service'));
    await userEvent.click(await screen.findByRole('option', { name: /search_service/ }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'slo_status', service: 'search_service' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('lists the SLOs of the chosen service, and again when the service changes', async () => {
    const onChange = jest.fn();
    const props = { datasource, onChange, onRunQuery: jest.fn() };
    const { rerender } = render(<QueryEditor {...props} query={{ refId: 'A', queryType: 'slo_status' }} />);
    await waitFor(() => expect(sloRequests()).toEqual(['']));

    rerender(<QueryEditor {...props} query={{ refId: 'A', queryType: 'slo_status', service: 'payment_service' }} />);
    await waitFor(() => expect(sloRequests()).toEqual(['', 'payment_service']));

    await userEvent.click(screen.getByLabelText('SLO'));
    expect(await screen.findByRole('option', { name: /latency/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /freshness/ })).not.toBeInTheDocument();
  });

  it('editors of one data source fetch the services and SLOs once', async () => {
    const props = { datasource, onChange: jest.fn(), onRunQuery: jest.fn() };
    render(<QueryEditor {...props} query={{ refId: 'A', queryType: 'slo_status' }} />);
    render(<QueryEditor {...props} query={{ refId: 'B', queryType: 'burn_rate' }} />);
    await answered();

    expect(fakeBackend.requests.map((r) => r.url)).toEqual([
      resourcePath('sloguard', 'services'),
      resourcePath('sloguard', 'slos'),
    ]);
  });

  it('lists the SLOs of the service a template variable stands for', async () => {
    await setup({ service: '$service' });

    await waitFor(() => expect(sloRequests()).toEqual(['search_service']));
    expect(screen.getByLabelText('Service')).toHaveValue('$service');
  });

  it('picking an SLO sets it and runs the query', async () => {
    const { onChange, onRunQuery } = await setup({ service: 'payment_service' });

    await userEvent.click(screen.getByLabelText('SLO'));
    await userEvent.click(await screen.findByRole('option', { name: /availability/ }));

    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'slo_status',
      service: 'payment_service',
      slo: 'availability',
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('says when the services cannot be listed', async () => {
    fakeBackend.on(`GET ${resourcePath('sloguard', 'services')}`, () => {
      throw fetchError(503, { error: 'SLO config: services: required' });
    });
    await setup();

    expect(await screen.findByText('Could not list them: SLO config: services: required')).toBeInTheDocument();
  });

  it('burn rate: the instant switch sets instant for alert rules', async () => {
    const { onChange, onRunQuery, query } = await setup({ queryType: 'burn_rate', windows: ['1h'] });

    await userEvent.click(screen.getByLabelText('Instant'));

    expect(onChange).toHaveBeenCalledWith({ ...query, instant: true });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('burn rate: picking a window adds it to the windows', async () => {
    const { onChange, query } = await setup({ queryType: 'burn_rate', windows: ['1h'] });

    await userEvent.click(screen.getByLabelText('Windows'));
    await userEvent.click(await screen.findByRole('option', { name: '3d' }));

    expect(onChange).toHaveBeenCalledWith({ ...query, windows: ['1h', '3d'] });
  });

  it('SLI: picking a rolling window sets window', async () => {
    const { onChange, query } = await setup({ queryType: 'sli', window: '5m' });

    await userEvent.click(screen.getByLabelText('Rolling window'));
    await userEvent.click(await screen.findByRole('option', { name: '1h' }));

    expect(onChange).toHaveBeenCalledWith({ ...query, window: '1h' });
  });

  it('SLI: picking percentiles sets percentiles', async () => {
    const { onChange, query } = await setup({ queryType: 'sli', percentiles: ['p50'] });

    await userEvent.click(screen.getByLabelText('Percentiles'));
    await userEvent.click(await screen.findByRole('option', { name: 'p99' }));

    expect(onChange).toHaveBeenCalledWith({ ...query, percentiles: ['p50', 'p99'] });
  });

  it('journey steps: choosing time series sets mode', async () => {
    const { onChange, query } = await setup({ queryType: 'journey_steps', mode: 'table' });

    await userEvent.click(screen.getByRole('radio', { name: 'Time series' }));

    expect(onChange).toHaveBeenCalledWith({ ...query, mode: 'timeseries' });
  });

  it.each<[QueryType, string[]]>([
    ['slo_status', []],
    ['burn_rate', ['Windows', 'Instant']],
    ['sli', ['Rolling window', 'Percentiles']],
  ])('%s shows the options %j only', async (queryType, labels) => {
    await setup({ queryType });

    for (const label of ['Windows', 'Instant', 'Rolling window', 'Percentiles']) {
      if (labels.includes(label)) {
        expect(screen.getByLabelText(label)).toBeInTheDocument();
      } else {
        expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
      }
    }
  });
});
