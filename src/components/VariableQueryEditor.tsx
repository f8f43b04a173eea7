import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { DEFAULT_VARIABLE_QUERY, SLOGuardOptions, SLOGuardQuery, SLOGuardVariableQuery } from '../types';
import { ServicePicker } from './query/Pickers';

type Props = QueryEditorProps<DataSource, SLOGuardQuery, SLOGuardOptions, SLOGuardVariableQuery>;

type Kind = SLOGuardVariableQuery['kind'];

const KINDS: Array<{ value: Kind; label: string; description: string }> = [
  { value: 'services', label: 'Services', description: 'The services of the SLO config' },
  { value: 'slos', label: 'SLOs', description: 'The SLOs of a service, or of every service' },
];

/**
 * VariableQueryEditor edits a template variable's query: the services, or the SLOs of a service,
 * which may be another variable ($service) so the SLO list follows the service picked.
 */
export function VariableQueryEditor({ datasource, query, onChange }: Props) {
  const kind: Kind = query.kind ?? DEFAULT_VARIABLE_QUERY.kind;

  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Values" labelWidth={14}>
        <RadioButtonGroup
          options={KINDS}
          value={kind}
          onChange={(next) => onChange({ ...query, kind: next, service: next === 'slos' ? query.service : undefined })}
        />
      </InlineField>
      {kind === 'slos' && (
        <ServicePicker
          datasource={datasource}
          id="sloguard-variable-service"
          value={query.service}
          onChange={(service) => onChange({ ...query, kind, service })}
        />
      )}
    </Stack>
  );
}
