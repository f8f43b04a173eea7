import React from 'react';
import { FieldSet, InlineField, InlineSwitch } from '@grafana/ui';

import { DEFAULT_OPTIONS } from '../../types';
import { LABEL_WIDTH } from './layout';
import { goDurationMs, isHTTPURL, SectionProps, withJsonData } from './options';
import { TextField } from './TextField';

/** The backend's shortest detection interval (pkg/plugin/settings.go minDetectionInterval). */
const MIN_DETECTION_INTERVAL_MS = 10_000;

/** detectionIntervalError says what is wrong with a detection interval, as the backend would. */
function detectionIntervalError(interval: string): string | undefined {
  const ms = goDurationMs(interval);
  if (ms === undefined) {
    return 'Use a Go duration such as 60s or 5m';
  }
  return ms < MIN_DETECTION_INTERVAL_MS ? 'Use at least 10s' : undefined;
}

export function DetectionSection({ options, onOptionsChange }: SectionProps) {
  const { jsonData } = options;
  const interval = jsonData.detectionInterval ?? '';
  const intervalError = interval === '' ? undefined : detectionIntervalError(interval);
  const dashboardUrlInvalid = jsonData.dashboardUrl !== undefined && !isHTTPURL(jsonData.dashboardUrl);

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
      <TextField
        options={options}
        onOptionsChange={onOptionsChange}
        field="detectionInterval"
        label="Evaluation interval"
        placeholder={DEFAULT_OPTIONS.detectionInterval}
        tooltip="Go duration, e.g. 60s or 1m30s"
        invalid={intervalError !== undefined}
        error={intervalError}
      />
      <TextField
        options={options}
        onOptionsChange={onOptionsChange}
        field="dashboardUrl"
        label="Dashboard URL"
        placeholder="https://grafana.example.com/d/sloguard"
        tooltip="Linked from every Slack, PagerDuty and email notification"
        invalid={dashboardUrlInvalid}
        error={dashboardUrlInvalid ? 'Use an absolute http(s) URL' : undefined}
      />
    </FieldSet>
  );
}
