import React from 'react';
import { InlineField, SecretInput } from '@grafana/ui';

import { SLOGuardSecureJsonData } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { SectionProps, withSecret, withSecretReset } from './options';

interface Props extends SectionProps {
  secret: keyof SLOGuardSecureJsonData;
  label: string;
  placeholder: string;
  tooltip?: string;
}

/**
 * SecretField edits one secureJsonData key. It is write-only: the input is uncontrolled and never
 * reads secureJsonData, so a stored value shows as "configured" (secureJsonFields) and can only be
 * reset or replaced, never displayed.
 */
export function SecretField({ options, onOptionsChange, secret, label, placeholder, tooltip }: Props) {
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
      <SecretInput
        id={`sloguard-secret-${secret}`}
        width={INPUT_WIDTH}
        isConfigured={Boolean(options.secureJsonFields?.[secret])}
        placeholder={placeholder}
        onChange={(e) => onOptionsChange(withSecret(options, secret, e.currentTarget.value))}
        onReset={() => onOptionsChange(withSecretReset(options, secret))}
      />
    </InlineField>
  );
}
