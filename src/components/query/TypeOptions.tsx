import React from 'react';
import {
  Combobox,
  ComboboxOption,
  InlineField,
  InlineSwitch,
  MultiCombobox,
  RadioButtonGroup,
  Stack,
} from '@grafana/ui';

import { DEFAULT_BURN_RATE_WINDOWS, DEFAULT_SLI_WINDOW, JourneyMode, SLOGuardQuery } from '../../types';
import { withValue } from './useOptions';

interface Props {
  query: SLOGuardQuery;
  /** Called with the changed query; the editor runs it. */
  onChange: (query: SLOGuardQuery) => void;
}

const windowOptions = (windows: string[]): Array<ComboboxOption<string>> =>
  windows.map((w) => ({ value: w, label: w }));

const BURN_RATE_WINDOWS = windowOptions(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
const SLI_WINDOWS = windowOptions(['1m', '5m', '30m', '1h', '6h', '1d']);
const PERCENTILES = windowOptions(['p50', 'p95', 'p99']);

const JOURNEY_MODES: Array<{ value: JourneyMode; label: string; description: string }> = [
  { value: 'table', label: 'Table', description: 'A funnel table per journey: runs, success and drop-off per step' },
  { value: 'timeseries', label: 'Time series', description: 'Each step success rate over time' },
];

function BurnRateOptions({ query, onChange }: Props) {
  return (
    <Stack gap={0}>
      <InlineField
        label="Windows"
        labelWidth={14}
        tooltip={`Look-back windows of the burn rates; none: ${DEFAULT_BURN_RATE_WINDOWS.join(', ')}`}
      >
        <MultiCombobox
          id="sloguard-windows"
          width="auto"
          minWidth={30}
          options={BURN_RATE_WINDOWS}
          value={query.windows ?? []}
          createCustomValue
          placeholder={DEFAULT_BURN_RATE_WINDOWS.join(', ')}
          onChange={(options) => onChange({ ...query, windows: options.map((o) => o.value) })}
        />
      </InlineField>
      <InlineField
        label="Instant"
        labelWidth={10}
        tooltip="One value per SLO and window at the end of the range, the frame Grafana alert rules read. Alert rules get it anyway."
      >
        <InlineSwitch
          id="sloguard-instant"
          value={query.instant ?? false}
          onChange={(e) => onChange({ ...query, instant: e.currentTarget.checked })}
        />
      </InlineField>
    </Stack>
  );
}

function SLIOptions({ query, onChange }: Props) {
  const value = query.window ?? DEFAULT_SLI_WINDOW;
  return (
    <Stack gap={0}>
      <InlineField
        label="Rolling window"
        labelWidth={14}
        tooltip="Each point is the SLI over this window before it (at most 1d). Latency SLOs also return response-time percentiles over the same window."
      >
        <Combobox
          id="sloguard-window"
          width={30}
          options={withValue(SLI_WINDOWS, value)}
          value={value}
          createCustomValue
          onChange={(option) => onChange({ ...query, window: option.value })}
        />
      </InlineField>
      <InlineField
        label="Percentiles"
        labelWidth={12}
        tooltip="Latency SLOs: the response-time percentiles to show; none: p50, p95 and p99."
      >
        <MultiCombobox
          id="sloguard-percentiles"
          width="auto"
          minWidth={20}
          options={PERCENTILES}
          value={query.percentiles ?? []}
          placeholder="p50, p95, p99"
          onChange={(options) => onChange({ ...query, percentiles: options.map((o) => o.value) })}
        />
      </InlineField>
    </Stack>
  );
}

function JourneyOptions({ query, onChange }: Props) {
  return (
    <InlineField label="Show as" labelWidth={14}>
      <RadioButtonGroup
        options={JOURNEY_MODES}
        value={query.mode ?? 'table'}
        onChange={(mode) => onChange({ ...query, mode })}
      />
    </InlineField>
  );
}

/** TypeOptions shows the options of the query's type: windows, instant, rolling window or journey mode. */
export function TypeOptions(props: Props) {
  switch (props.query.queryType) {
    case 'burn_rate':
      return <BurnRateOptions {...props} />;
    case 'sli':
      return <SLIOptions {...props} />;
    case 'journey_steps':
      return <JourneyOptions {...props} />;
    default:
      return null;
  }
}
