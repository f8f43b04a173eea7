import React from 'react';
import { FieldSet, InlineField, InlineSwitch, Input } from '@grafana/ui';

import { DEFAULT_OPTIONS } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { isGoDuration, SectionProps, textValue, withJsonData } from './options';

export function DetectionSection({ options, onOptionsChange }: SectionProps) {
  const { jsonData } = options;
  const interval = jsonData.detectionInterval ?? '';
  const intervalInvalid = interval !== '' && !isGoDuration(interval);

  return (
    <FieldSet label="Detection">
      <InlineField
        label="Built-in detection"
        labelWidth={LABEL_WIDTH}
        tooltip="Evaluate SLO alert rules in the background and notify Slack, PagerDuty and email"
      >
        <InlineSwitch
          id="sloguard-detection-enabled"
          value={jsonData.detectionEnabled ?? false}
          onChange={(e) => onOptionsChange(withJsonData(options, 'detectionEnabled', e.currentTarget.checked))}
        />
      </InlineField>
      <InlineField
        label="Evaluation interval"
        labelWidth={LABEL_WIDTH}
        tooltip="Go duration, e.g. 60s or 1m30s"
        invalid={intervalInvalid}
        error={intervalInvalid ? 'Use a Go duration such as 60s or 5m' : undefined}
      >
        <Input
          id="sloguard-detection-interval"
          width={INPUT_WIDTH}
          value={interval}
          placeholder={DEFAULT_OPTIONS.detectionInterval}
          onChange={(e) =>
            onOptionsChange(withJsonData(options, 'detectionInterval', textValue(e.currentTarget.value)))
          }
        />
      </InlineField>
    </FieldSet>
  );
}
