import React from 'react';
import { InlineField, Input } from '@grafana/ui';

import { SLOGuardOptions } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { numberValue, SectionProps, withJsonData } from './options';

/** The jsonData keys that hold a number. */
export type NumberKey = {
  [K in keyof SLOGuardOptions]-?: SLOGuardOptions[K] extends number | undefined ? K : never;
}[keyof SLOGuardOptions];

interface Props extends SectionProps {
  field: NumberKey;
  label: string;
  placeholder: number;
  min?: number;
  max?: number;
  tooltip?: string;
}

/** NumberField edits one numeric key of jsonData; emptying it removes the key (backend default). */
export function NumberField({ options, onOptionsChange, field, label, placeholder, min = 1, max, tooltip }: Props) {
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
      <Input
        id={`sloguard-${field}`}
        type="number"
        min={min}
        max={max}
        width={INPUT_WIDTH}
        value={options.jsonData[field] ?? ''}
        placeholder={String(placeholder)}
        onChange={(e) => onOptionsChange(withJsonData(options, field, numberValue(e.currentTarget.value)))}
      />
    </InlineField>
  );
}
