import React from 'react';
import { InlineField, Input } from '@grafana/ui';

import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { JsonDataKey, numberValue, SectionProps, withJsonData } from './options';

interface Props extends SectionProps {
  field: JsonDataKey<number>;
  label: string;
  placeholder: number;
  max?: number;
}

/** NumberField edits one numeric key of jsonData (at least 1); emptying it removes the key (backend default). */
export function NumberField({ options, onOptionsChange, field, label, placeholder, max }: Props) {
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH}>
      <Input
        id={`sloguard-${field}`}
        type="number"
        min={1}
        max={max}
        width={INPUT_WIDTH}
        value={options.jsonData[field] ?? ''}
        placeholder={String(placeholder)}
        onChange={(e) => onOptionsChange(withJsonData(options, field, numberValue(e.currentTarget.value)))}
      />
    </InlineField>
  );
}
