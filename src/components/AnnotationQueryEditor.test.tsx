import React from 'react';
import { setTemplateSrv } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { resourcePath, useFakeBackend } from '../test/backendSrv';
import { answered, testDataSource } from '../test/datasource';
import { sizeElements } from '../test/dom';
import { slo } from '../test/fixtures';
import { fakeTemplateSrv } from '../test/templateSrv';
import { SLOGuardQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

const datasource = testDataSource();

describe('AnnotationQueryEditor', () => {
  beforeEach(() => {
    setTemplateSrv(fakeTemplateSrv({}));
    const backend = useFakeBackend();
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => [
      { name: 'payment_service', logName: 'payment', slos: 1 },
    ]);
    backend.on(`GET ${resourcePath('sloguard', 'slos')}`, () => [slo('payment_service', 'availability')]);
    sizeElements();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  async function setup(query: Partial<SLOGuardQuery>) {
    const onChange = jest.fn();
    const full = { refId: 'Anno', ...query } as SLOGuardQuery;
    render(<AnnotationQueryEditor datasource={datasource} query={full} onChange={onChange} onRunQuery={jest.fn()} />);
    await answered();
    return onChange;
  }

  it('offers no query type, only the kind, service and SLO filters', async () => {
    await setup({ queryType: 'annotations' });

    expect(screen.queryByRole('radio', { name: 'SLO status' })).not.toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Incidents and alerts' })).toBeChecked();
    expect(screen.getByLabelText('Service')).toBeInTheDocument();
    expect(screen.getByLabelText('SLO')).toBeInTheDocument();
    expect(screen.getByText(/Incidents of the built-in detector as regions/)).toBeInTheDocument();
  });

  it('filtering by service keeps the annotations query type, even for a target saved without one', async () => {
    const onChange = await setup({});

    await userEvent.click(screen.getByLabelText('Service'));
    await userEvent.click(await screen.findByRole('option', { name: /payment_service/ }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'Anno', queryType: 'annotations', service: 'payment_service' });
  });

  it('showing incidents only sets show', async () => {
    const onChange = await setup({ queryType: 'annotations' });

    await userEvent.click(screen.getByRole('radio', { name: 'Incidents' }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'Anno', queryType: 'annotations', show: 'incidents' });
  });

  it('filtering by SLO sets the SLO', async () => {
    const onChange = await setup({ queryType: 'annotations', service: 'payment_service' });

    await userEvent.click(screen.getByLabelText('SLO'));
    await userEvent.click(await screen.findByRole('option', { name: /availability/ }));

    expect(onChange).toHaveBeenCalledWith({
      refId: 'Anno',
      queryType: 'annotations',
      service: 'payment_service',
      slo: 'availability',
    });
  });
});
