import React from 'react';
import { InlineField, Input } from '@grafana/ui';

import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { JsonDataKey, SectionProps, textValue, withJsonData } from './options';

interface Props extends SectionProps {
  field: JsonDataKey<string>;
  label: string;
  placeholder?: string;
  tooltip?: string;
  invalid?: boolean;
  error?: string;
}

/** TextField edits one text key of jsonData; emptying it removes the key (backend default). */
export function TextField({ options, onOptionsChange, field, label, placeholder, tooltip, invalid, error }: Props) {
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip} invalid={invalid} error={error}>
      <Input
        id={`sloguard-${field}`}
        width={INPUT_WIDTH}
        value={options.jsonData[field] ?? ''}
        placeholder={placeholder}
        onChange={(e) => onOptionsChange(withJsonData(options, field, textValue(e.currentTarget.value)))}
      />
    </InlineField>
  );
}
