import React from 'react';
import { CollapsableSection, FieldSet, InlineField, Input, Text, TextLink } from '@grafana/ui';

import { DEFAULT_OPTIONS, JourneyLogsMapping, RequestLogsMapping, SLOGuardOptions } from '../../types';
import { DOCS } from './docs';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { SectionProps, textValue, withJsonData } from './options';

type MappingKey = 'requestLogs' | 'journeyLogs';
type Mapping = RequestLogsMapping & JourneyLogsMapping;

interface Column<M> {
  key: keyof M & string;
  label: string;
}

const REQUEST_COLUMNS: Array<Column<RequestLogsMapping>> = [
  { key: 'table', label: 'Table' },
  { key: 'service', label: 'Service column' },
  { key: 'statusCode', label: 'Status code column' },
  { key: 'responseTimeMs', label: 'Response time (ms) column' },
  { key: 'timestamp', label: 'Timestamp column' },
  { key: 'route', label: 'Route column' },
];

const JOURNEY_COLUMNS: Array<Column<JourneyLogsMapping>> = [
  { key: 'table', label: 'Table' },
  { key: 'journeyId', label: 'Journey ID column' },
  { key: 'journeyName', label: 'Journey name column' },
  { key: 'stepName', label: 'Step name column' },
  { key: 'stepOrder', label: 'Step order column' },
  { key: 'success', label: 'Success column' },
  { key: 'durationMs', label: 'Duration (ms) column' },
  { key: 'timestamp', label: 'Timestamp column' },
];

interface MappingFieldsProps extends SectionProps {
  mappingKey: MappingKey;
  label: string;
  columns: Array<Column<Mapping>>;
}

function MappingFields({ options, onOptionsChange, mappingKey, label, columns }: MappingFieldsProps) {
  const mapping: Mapping = options.jsonData[mappingKey] ?? {};
  const defaults: Mapping = DEFAULT_OPTIONS[mappingKey];

  const onColumnChange = (key: keyof Mapping, value: string) => {
    const next: SLOGuardOptions[MappingKey] = { ...mapping, [key]: textValue(value) };
    onOptionsChange(withJsonData(options, mappingKey, next));
  };

  return (
    <FieldSet label={label}>
      {columns.map(({ key, label: columnLabel }) => (
        <InlineField key={key} label={columnLabel} labelWidth={LABEL_WIDTH}>
          <Input
            id={`sloguard-${mappingKey}-${key}`}
            width={INPUT_WIDTH}
            value={mapping[key] ?? ''}
            placeholder={defaults[key]}
            onChange={(e) => onColumnChange(key, e.currentTarget.value)}
          />
        </InlineField>
      ))}
    </FieldSet>
  );
}

/**
 * LogTablesSection maps SLOGuard's log tables to yours, collapsed unless a mapping is set: an empty
 * field takes the SLO config's `tables:` value, else the default shown as placeholder.
 */
export function LogTablesSection(props: SectionProps) {
  const { requestLogs, journeyLogs } = props.options.jsonData;
  return (
    <CollapsableSection
      label="Log tables and columns"
      isOpen={Boolean(requestLogs || journeyLogs)}
      unmountContentWhenClosed={false}
    >
      <Text color="secondary" variant="bodySmall">
        Names of your request and user-journey log tables and their columns.{' '}
        <TextLink href={DOCS.logTables} external inline>
          Log tables
        </TextLink>
      </Text>
      <MappingFields {...props} mappingKey="requestLogs" label="Request logs" columns={REQUEST_COLUMNS} />
      <MappingFields {...props} mappingKey="journeyLogs" label="User journey logs" columns={JOURNEY_COLUMNS} />
    </CollapsableSection>
  );
}
