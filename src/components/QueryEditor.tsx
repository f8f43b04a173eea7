import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { DataSource } from '../datasource';
import { DEFAULT_QUERY_TYPE, QueryType, SLOGuardOptions, SLOGuardQuery } from '../types';

type Props = QueryEditorProps<DataSource, SLOGuardQuery, SLOGuardOptions>;

export const QUERY_TYPES: Array<SelectableValue<QueryType> & { value: QueryType; description: string }> = [
  {
    value: 'slo_status',
    label: 'SLO status',
    description: 'Current SLI, objective, error budget and burn rates per SLO',
  },
  { value: 'error_budget', label: 'Error budget', description: 'Remaining error budget over time' },
  { value: 'burn_rate', label: 'Burn rate', description: 'Error-budget burn rate per alerting window over time' },
  { value: 'sli', label: 'SLI', description: 'Service level indicator over time' },
  {
    value: 'journey_steps',
    label: 'Journey steps',
    description: 'Success rate and duration of each user-journey step',
  },
  { value: 'alerts', label: 'Alerts', description: 'Alerts raised by the built-in detector' },
  { value: 'incidents', label: 'Incidents', description: 'Incidents opened and resolved by the built-in detector' },
];

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const queryType = query.queryType ?? DEFAULT_QUERY_TYPE;
  const description = QUERY_TYPES.find((t) => t.value === queryType)?.description;

  const onQueryTypeChange = (value: QueryType) => {
    onChange({ ...query, queryType: value });
    onRunQuery();
  };

  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14}>
        <RadioButtonGroup
          id="sloguard-query-type"
          options={QUERY_TYPES}
          value={queryType}
          onChange={onQueryTypeChange}
        />
      </InlineField>
      {description && (
        <Text color="secondary" variant="bodySmall">
          {description}
        </Text>
      )}
      <Stack gap={0}>
        <InlineField label="Service" labelWidth={14} tooltip="Empty for all services; template variables allowed">
          <Input
            id="sloguard-query-service"
            width={30}
            value={query.service ?? ''}
            placeholder="All services"
            onChange={(e) => onChange({ ...query, service: e.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="SLO" labelWidth={10} tooltip="Empty for all SLOs; template variables allowed">
          <Input
            id="sloguard-query-slo"
            width={30}
            value={query.slo ?? ''}
            placeholder="All SLOs"
            onChange={(e) => onChange({ ...query, slo: e.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      </Stack>
    </Stack>
  );
}
