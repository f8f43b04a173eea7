import React from 'react';
import { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { Stack, Text } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { ANNOTATIONS_QUERY_TYPE, SLOGuardOptions, SLOGuardQuery } from '../types';
import { ServicePicker, SLOPicker, withService } from './query/Pickers';

type Props = QueryEditorProps<DataSource, SLOGuardQuery, SLOGuardOptions> & {
  annotation?: AnnotationQuery<SLOGuardQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<SLOGuardQuery>) => void;
};

/**
 * AnnotationQueryEditor edits an annotation query: always the annotations query type, filtered by
 * service and SLO. The backend answers the incidents open in the range as regions and the alert
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
