import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { AnnotationShow, ANNOTATIONS_QUERY_TYPE, SLOGuardOptions, SLOGuardQuery } from '../types';
import { ServicePicker, SLOPicker, withService } from './query/Pickers';

const SHOW: Array<{ value: AnnotationShow; label: string; description: string }> = [
  { value: 'all', label: 'Incidents and alerts', description: 'Incidents and alert state changes' },
  { value: 'incidents', label: 'Incidents', description: 'Incidents as regions from opened to resolved' },
  { value: 'alerts', label: 'Alert changes', description: 'Each change of an alert state (pending, firing, resolved)' },
];

type Props = QueryEditorProps<DataSource, SLOGuardQuery, SLOGuardOptions>;

/**
 * AnnotationQueryEditor edits an annotation query: always the annotations query type, filtered by
 * kind (incidents, alert state changes or both), service and SLO. The backend answers the incidents open in the range as regions and the alert
 * state changes in it as instants, tagged "incident" or "alert".
 */
export function AnnotationQueryEditor({ datasource, query, onChange }: Props) {
  const change = (next: SLOGuardQuery) => onChange({ ...next, queryType: ANNOTATIONS_QUERY_TYPE });

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary" variant="bodySmall">
        Incidents of the built-in detector as regions (opened to resolved) and alert state changes as points, with tags
        sloguard, incident or alert, service, SLO, severity and state.
      </Text>
      <InlineField label="Show" labelWidth={14}>
        <RadioButtonGroup options={SHOW} value={query.show ?? 'all'} onChange={(show) => change({ ...query, show })} />
      </InlineField>
      <Stack gap={0} wrap="wrap">
        <ServicePicker
          datasource={datasource}
          id="sloguard-annotation-service"
          value={query.service}
          onChange={(service) => change(withService(query, service))}
        />
        <SLOPicker
          datasource={datasource}
          id="sloguard-annotation-slo"
          service={query.service}
          value={query.slo}
          onChange={(slo) => change({ ...query, slo })}
        />
      </Stack>
    </Stack>
  );
}
