import React from 'react';
import { FieldSet } from '@grafana/ui';

import { DEFAULT_OPTIONS } from '../../types';
import { SectionProps } from './options';
import { TextField } from './TextField';

export function SchemaSection(props: SectionProps) {
  return (
    <FieldSet label="Plugin schema">
      <TextField
        {...props}
        field="schema"
        label="Schema"
        placeholder={DEFAULT_OPTIONS.schema}
        tooltip="PostgreSQL schema the plugin creates and owns: rollups, alert state, incidents and the notification outbox"
      />
    </FieldSet>
  );
}
