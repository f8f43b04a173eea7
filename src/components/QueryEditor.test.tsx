import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { QueryType, SLOGuardQuery } from '../types';
import { QUERY_TYPES, QueryEditor } from './QueryEditor';

function setup(query: Partial<SLOGuardQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const fullQuery = { refId: 'A', queryType: 'slo_status', ...query } as SLOGuardQuery;
  render(<QueryEditor datasource={{} as DataSource} query={fullQuery} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery, query: fullQuery };
}

describe('QueryEditor', () => {
  it.each<[string, QueryType]>([
    ['Error budget', 'error_budget'],
    ['Burn rate', 'burn_rate'],
    ['SLI', 'sli'],
    ['Journey steps', 'journey_steps'],
    ['Alerts', 'alerts'],
    ['Incidents', 'incidents'],
  ])('choosing %s sets queryType %s and runs the query', async (label, queryType) => {
    const { onChange, onRunQuery, query } = setup({ service: 'payment_service' });

    await userEvent.click(screen.getByRole('radio', { name: label }));

    expect(onChange).toHaveBeenCalledWith({ ...query, queryType });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it.each(QUERY_TYPES.map((t) => [t.value, t.description]))('describes %s as %j', (queryType, description) => {
    setup({ queryType: queryType as QueryType });

    expect(screen.getByText(description)).toBeInTheDocument();
  });

  it('selects SLO status for a query saved without a type', () => {
    setup({ queryType: undefined });

    expect(screen.getByRole('radio', { name: 'SLO status' })).toBeChecked();
  });

  it.each([
    ['Service', 'service', 'checkout_service'],
    ['SLO', 'slo', 'latency'],
  ])('editing %s updates query.%s and runs the query on blur', (label, key, value) => {
    const { onChange, onRunQuery, query } = setup();
    const input = screen.getByLabelText(label);

    fireEvent.change(input, { target: { value } });
    expect(onChange).toHaveBeenCalledWith({ ...query, [key]: value });
    expect(onRunQuery).not.toHaveBeenCalled();

    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});
