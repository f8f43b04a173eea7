import React, { useEffect, useRef, useState } from 'react';
import { CodeEditor, Field, FieldSet, RadioButtonGroup, Stack, TextLink } from '@grafana/ui';

import { Diagnostic } from '../../types';
import { DOCS } from './docs';
import { SectionProps, SLOGuardSettings, textValue, withJsonData } from './options';
import { TextField } from './TextField';
import { useDiagnosticMarkers } from './useDiagnosticMarkers';
import { useSLOValidation } from './useSLOValidation';
import { ValidationResult } from './ValidationResult';

type Source = 'inline' | 'file';

// One empty list, so the editor markers are not recomputed on every render without a result.
const NO_DIAGNOSTICS: Diagnostic[] = [];

const SOURCES: Array<{ value: Source; label: string; description: string }> = [
  { value: 'inline', label: 'Inline YAML', description: 'Write the SLO configuration here' },
  {
    value: 'file',
    label: 'File on server',
    description: 'Read the SLO configuration from a file on the Grafana server',
  },
];

/** withSource keeps exactly one of sloConfig / sloConfigPath, as the backend expects. */
function withSource(settings: SLOGuardSettings, source: Source): SLOGuardSettings {
  const { sloConfig, sloConfigPath, ...rest } = settings.jsonData;
  return {
    ...settings,
    jsonData: source === 'inline' ? { ...rest, sloConfig } : { ...rest, sloConfigPath },
  };
}

/**
 * useLatest returns a ref that always holds the latest value, for callbacks that outlive a render:
 * CodeEditor subscribes its onChange once, when Monaco mounts, and never sees a newer one.
 */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

function InlineConfig({ options, onOptionsChange }: SectionProps) {
  const yaml = options.jsonData.sloConfig ?? '';
  const latest = useLatest({ options, onOptionsChange });
  // CodeEditor keeps the first onChange it gets, so this one reads the settings from latest.
  const onChange = (value: string) => {
    const { options: current, onOptionsChange: change } = latest.current;
    change(withJsonData(current, 'sloConfig', textValue(value)));
  };
  const validation = useSLOValidation(options.uid, yaml);
  const onEditorDidMount = useDiagnosticMarkers(
    validation.status === 'done' ? validation.result.diagnostics : NO_DIAGNOSTICS
  );

  return (
    <Field
      label="SLO YAML"
      description="Services, SLOs (target, window, SLI type) and alert rules; checked as you type"
    >
      <Stack direction="column" gap={1}>
        <CodeEditor
          value={yaml}
          language="yaml"
          height={320}
          showLineNumbers
          showMiniMap={false}
          onEditorDidMount={onEditorDidMount}
          onChange={onChange}
        />
        <ValidationResult state={validation} />
      </Stack>
    </Field>
  );
}

export function SLOConfigSection(props: SectionProps) {
  const { options, onOptionsChange } = props;
  const { jsonData } = options;
  const [source, setSource] = useState<Source>(jsonData.sloConfigPath && !jsonData.sloConfig ? 'file' : 'inline');

  const onSourceChange = (next: Source) => {
    setSource(next);
    onOptionsChange(withSource(options, next));
  };

  return (
    <FieldSet label="SLO configuration">
      <Field
        label="Source"
        description={
          <>
            Where the services and SLOs are defined.{' '}
            <TextLink href={DOCS.sloConfig} external inline>
              SLO config reference
            </TextLink>
          </>
        }
      >
        <RadioButtonGroup options={SOURCES} value={source} onChange={onSourceChange} />
      </Field>
      {source === 'inline' ? (
        <InlineConfig {...props} />
      ) : (
        <TextField
          {...props}
          field="sloConfigPath"
          label="File path"
          placeholder="/etc/sloguard/slos.yaml"
          tooltip="Absolute path of a YAML file readable by the Grafana server; re-read when it changes"
        />
      )}
    </FieldSet>
  );
}
