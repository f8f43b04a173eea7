import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { DataSource } from '../datasource';
import { DEFAULT_QUERY_TYPE, QueryType, SLOGuardOptions, SLOGuardQuery } from '../types';
import { ServicePicker, SLOPicker, withService } from './query/Pickers';
import { QUERY_TYPES, withQueryType } from './query/queryTypes';
import { TypeOptions } from './query/TypeOptions';

type Props = QueryEditorProps<DataSource, SLOGuardQuery, SLOGuardOptions>;

/**
 * QueryEditor edits a panel query: its type, the service and SLO it covers and the options of its
 * type. Like Grafana's own editors, every pick runs the query.
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery }: Props) {
  const queryType = query.queryType ?? DEFAULT_QUERY_TYPE;
  const description = QUERY_TYPES.find((t) => t.value === queryType)?.description;

  const change = (next: SLOGuardQuery) => {
    onChange(next);
    onRunQuery();
  };

  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14}>
        <RadioButtonGroup
          id="sloguard-query-type"
          options={QUERY_TYPES}
          value={queryType}
          onChange={(value: QueryType) => change(withQueryType(query, value))}
        />
      </InlineField>
      {description && (
        <Text color="secondary" variant="bodySmall">
          {description}
        </Text>
      )}
      <Stack gap={0} wrap="wrap">
        <ServicePicker
          datasource={datasource}
          value={query.service}
          onChange={(service) => change(withService(query, service))}
        />
        <SLOPicker
          datasource={datasource}
          service={query.service}
          value={query.slo}
          onChange={(slo) => change({ ...query, slo })}
        />
      </Stack>
      <TypeOptions query={{ ...query, queryType }} onChange={change} />
    </Stack>
  );
}
