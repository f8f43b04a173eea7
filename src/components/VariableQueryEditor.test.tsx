import React from 'react';
import { setTemplateSrv } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { resourcePath, useFakeBackend } from '../test/backendSrv';
import { answered, testDataSource } from '../test/datasource';
import { sizeElements } from '../test/dom';
import { fakeTemplateSrv } from '../test/templateSrv';
import { SLOGuardVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

const datasource = testDataSource();

async function setup(query: Partial<SLOGuardVariableQuery>) {
  const onChange = jest.fn();
  const full = { refId: 'variable', ...query } as SLOGuardVariableQuery;
  render(<VariableQueryEditor datasource={datasource} query={full} onChange={onChange} onRunQuery={jest.fn()} />);
  await answered();
  return { onChange, query: full };
}

describe('VariableQueryEditor', () => {
  beforeEach(() => {
    setTemplateSrv(fakeTemplateSrv({ service: 'payment_service' }));
    const backend = useFakeBackend();
    backend.on(`GET ${resourcePath('sloguard', 'services')}`, () => [
      { name: 'payment_service', logName: 'payment', slos: 2 },
    ]);
    sizeElements();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('starts as a services variable without a service picker', async () => {
    await setup({});

    expect(screen.getByRole('radio', { name: 'Services' })).toBeChecked();
    expect(screen.queryByLabelText('Service')).not.toBeInTheDocument();
  });

  it('choosing SLOs makes it an SLOs variable', async () => {
    const { onChange } = await setup({ kind: 'services' });

    await userEvent.click(screen.getByRole('radio', { name: 'SLOs' }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'variable', kind: 'slos', service: undefined });
  });

  it('an SLOs variable can take its service from another variable', async () => {
    const { onChange } = await setup({ kind: 'slos' });

    await userEvent.click(screen.getByLabelText('Service'));
    await userEvent.click(await screen.findByRole('option', { name: /\$service/ }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'variable', kind: 'slos', service: '$service' });
  });

  it('going back to services drops the service', async () => {
    const { onChange } = await setup({ kind: 'slos', service: 'payment_service' });

    await userEvent.click(screen.getByRole('radio', { name: 'Services' }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'variable', kind: 'services', service: undefined });
  });
});
