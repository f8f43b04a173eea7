import React from 'react';
import { FieldSet, InlineField, Input } from '@grafana/ui';

import { DEFAULT_OPTIONS } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { SectionProps, textValue, withJsonData } from './options';

export function SchemaSection({ options, onOptionsChange }: SectionProps) {
  return (
    <FieldSet label="Plugin schema">
      <InlineField
        label="Schema"
        labelWidth={LABEL_WIDTH}
        tooltip="PostgreSQL schema the plugin creates and owns: rollups, alert state, incidents and the notification outbox"
      >
        <Input
          id="sloguard-schema"
          width={INPUT_WIDTH}
          value={options.jsonData.schema ?? ''}
          placeholder={DEFAULT_OPTIONS.schema}
          onChange={(e) => onOptionsChange(withJsonData(options, 'schema', textValue(e.currentTarget.value)))}
        />
      </InlineField>
    </FieldSet>
  );
}
