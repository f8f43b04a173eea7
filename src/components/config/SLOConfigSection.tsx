import React, { useState } from 'react';
import { FieldSet, InlineField, Input, RadioButtonGroup, TextArea } from '@grafana/ui';

import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { SectionProps, SLOGuardSettings, textValue, withJsonData } from './options';

type Source = 'inline' | 'file';

const SOURCES: Array<{ value: Source; label: string; description: string }> = [
  { value: 'inline', label: 'Inline YAML', description: 'Paste the SLO configuration here' },
  {
    value: 'file',
    label: 'File on server',
    description: 'Read the SLO configuration from a file on the Grafana server',
  },
];

// Same shape as the seed configuration (services -> SLO name -> settings).
const YAML_PLACEHOLDER = `services:
  payment_service:
    availability:
      target: 99.9
      window: 30d
      sli_type: success_rate
      alert_rules: [fast_burn, slow_burn]`;

/** withSource keeps exactly one of sloConfig / sloConfigPath, as the backend expects. */
function withSource(settings: SLOGuardSettings, source: Source): SLOGuardSettings {
  const { sloConfig, sloConfigPath, ...rest } = settings.jsonData;
  return {
    ...settings,
    jsonData: source === 'inline' ? { ...rest, sloConfig } : { ...rest, sloConfigPath },
  };
}

export function SLOConfigSection({ options, onOptionsChange }: SectionProps) {
  const { jsonData } = options;
  const [source, setSource] = useState<Source>(jsonData.sloConfigPath && !jsonData.sloConfig ? 'file' : 'inline');

  const onSourceChange = (next: Source) => {
    setSource(next);
    onOptionsChange(withSource(options, next));
  };

  return (
    <FieldSet label="SLO configuration">
      <InlineField label="Source" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup id="sloguard-slo-source" options={SOURCES} value={source} onChange={onSourceChange} />
      </InlineField>
      {source === 'inline' ? (
        <InlineField label="SLO YAML" labelWidth={LABEL_WIDTH} grow tooltip="Services, SLOs and alerting windows">
          <TextArea
            id="sloguard-slo-config"
            rows={12}
            value={jsonData.sloConfig ?? ''}
            placeholder={YAML_PLACEHOLDER}
            spellCheck={false}
            onChange={(e) => onOptionsChange(withJsonData(options, 'sloConfig', textValue(e.currentTarget.value)))}
          />
        </InlineField>
      ) : (
        <InlineField label="File path" labelWidth={LABEL_WIDTH} tooltip="Absolute path readable by the Grafana server">
          <Input
            id="sloguard-slo-config-path"
            width={INPUT_WIDTH}
            value={jsonData.sloConfigPath ?? ''}
            placeholder="/etc/sloguard/slos.yaml"
            onChange={(e) => onOptionsChange(withJsonData(options, 'sloConfigPath', textValue(e.currentTarget.value)))}
          />
        </InlineField>
      )}
    </FieldSet>
  );
}
