import React from 'react';
import { Combobox, ComboboxOption, FieldSet, InlineField, Input, SecretInput } from '@grafana/ui';

import { DEFAULT_OPTIONS, SSLMode } from '../../types';
import { numberValue, SectionProps, textValue, withJsonData, withSecret, withSecretReset } from './options';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';

const SSL_MODES: Array<ComboboxOption<SSLMode>> = [
  { value: 'disable', description: 'No TLS' },
  { value: 'allow', description: 'TLS only if the server insists' },
  { value: 'prefer', description: 'TLS if the server supports it' },
  { value: 'require', description: 'Always TLS, certificate not verified' },
  { value: 'verify-ca', description: 'Always TLS, certificate signed by a trusted CA' },
  { value: 'verify-full', description: 'Always TLS, trusted certificate matching the host name' },
];

export function ConnectionSection({ options, onOptionsChange }: SectionProps) {
  const { jsonData, secureJsonFields } = options;

  return (
    <FieldSet label="Connection">
      <InlineField label="Host" labelWidth={LABEL_WIDTH} tooltip="PostgreSQL host name or address">
        <Input
          id="sloguard-host"
          width={INPUT_WIDTH}
          value={jsonData.host ?? ''}
          placeholder={DEFAULT_OPTIONS.host}
          onChange={(e) => onOptionsChange(withJsonData(options, 'host', textValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="Port" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-port"
          type="number"
          min={1}
          max={65535}
          width={INPUT_WIDTH}
          value={jsonData.port ?? ''}
          placeholder={String(DEFAULT_OPTIONS.port)}
          onChange={(e) => onOptionsChange(withJsonData(options, 'port', numberValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="Database" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-database"
          width={INPUT_WIDTH}
          value={jsonData.database ?? ''}
          placeholder="Database name"
          onChange={(e) => onOptionsChange(withJsonData(options, 'database', textValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="User" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-user"
          width={INPUT_WIDTH}
          value={jsonData.user ?? ''}
          placeholder="Database user"
          onChange={(e) => onOptionsChange(withJsonData(options, 'user', textValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="Password" labelWidth={LABEL_WIDTH}>
        <SecretInput
          id="sloguard-password"
          width={INPUT_WIDTH}
          isConfigured={Boolean(secureJsonFields?.password)}
          placeholder="Database password"
          onChange={(e) => onOptionsChange(withSecret(options, 'password', e.currentTarget.value))}
          onReset={() => onOptionsChange(withSecretReset(options, 'password'))}
        />
      </InlineField>
      <InlineField label="SSL mode" labelWidth={LABEL_WIDTH} tooltip="libpq sslmode">
        <Combobox
          id="sloguard-ssl-mode"
          width={INPUT_WIDTH}
          options={SSL_MODES}
          value={jsonData.sslMode ?? DEFAULT_OPTIONS.sslMode}
          onChange={(option) => onOptionsChange(withJsonData(options, 'sslMode', option.value))}
        />
      </InlineField>
      <InlineField label="Max open connections" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-max-open-conns"
          type="number"
          min={1}
          width={INPUT_WIDTH}
          value={jsonData.maxOpenConns ?? ''}
          placeholder={String(DEFAULT_OPTIONS.maxOpenConns)}
          onChange={(e) => onOptionsChange(withJsonData(options, 'maxOpenConns', numberValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="Connect timeout (s)" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-connect-timeout"
          type="number"
          min={1}
          width={INPUT_WIDTH}
          value={jsonData.connectTimeout ?? ''}
          placeholder={String(DEFAULT_OPTIONS.connectTimeout)}
          onChange={(e) => onOptionsChange(withJsonData(options, 'connectTimeout', numberValue(e.currentTarget.value)))}
        />
      </InlineField>
      <InlineField label="Query timeout (s)" labelWidth={LABEL_WIDTH}>
        <Input
          id="sloguard-query-timeout"
          type="number"
          min={1}
          width={INPUT_WIDTH}
          value={jsonData.queryTimeout ?? ''}
          placeholder={String(DEFAULT_OPTIONS.queryTimeout)}
          onChange={(e) => onOptionsChange(withJsonData(options, 'queryTimeout', numberValue(e.currentTarget.value)))}
        />
      </InlineField>
    </FieldSet>
  );
}
