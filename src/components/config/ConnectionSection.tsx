import React from 'react';
import { Combobox, ComboboxOption, FieldSet, InlineField } from '@grafana/ui';

import { DEFAULT_OPTIONS, SSLMode } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { NumberField } from './NumberField';
import { SectionProps, withJsonData } from './options';
import { SecretField } from './SecretField';
import { TextField } from './TextField';

const SSL_MODES: Array<ComboboxOption<SSLMode>> = [
  { value: 'disable', description: 'No TLS' },
  { value: 'allow', description: 'TLS only if the server insists' },
  { value: 'prefer', description: 'TLS if the server supports it' },
  { value: 'require', description: 'Always TLS, certificate not verified' },
  { value: 'verify-ca', description: 'Always TLS, certificate signed by a trusted CA' },
  { value: 'verify-full', description: 'Always TLS, trusted certificate matching the host name' },
];

/** ConnectionSection is where the PostgreSQL with the log tables is, as Grafana's PostgreSQL data source asks. */
export function ConnectionSection(props: SectionProps) {
  return (
    <FieldSet label="Connection">
      <TextField
        {...props}
        field="host"
        label="Host"
        placeholder={DEFAULT_OPTIONS.host}
        tooltip="PostgreSQL host name or address"
      />
      <NumberField {...props} field="port" label="Port" placeholder={DEFAULT_OPTIONS.port} max={65535} />
      <TextField {...props} field="database" label="Database" placeholder="Database name" />
    </FieldSet>
  );
}

/** AuthenticationSection is the database login and TLS mode. */
export function AuthenticationSection(props: SectionProps) {
  const { options, onOptionsChange } = props;
  return (
    <FieldSet label="Authentication">
      <TextField {...props} field="user" label="User" placeholder="Database user" />
      <SecretField {...props} secret="password" label="Password" placeholder="Database password" />
      <InlineField label="SSL mode" labelWidth={LABEL_WIDTH} tooltip="libpq sslmode">
        <Combobox
          id="sloguard-ssl-mode"
          width={INPUT_WIDTH}
          options={SSL_MODES}
          value={options.jsonData.sslMode ?? DEFAULT_OPTIONS.sslMode}
          onChange={(option) => onOptionsChange(withJsonData(options, 'sslMode', option.value))}
        />
      </InlineField>
    </FieldSet>
  );
}

/** ConnectionLimitsSection is the pool size and timeouts. */
export function ConnectionLimitsSection(props: SectionProps) {
  return (
    <FieldSet label="Connection limits">
      <NumberField
        {...props}
        field="maxOpenConns"
        label="Max open connections"
        placeholder={DEFAULT_OPTIONS.maxOpenConns}
        max={100}
      />
      <NumberField
        {...props}
        field="connectTimeout"
        label="Connect timeout (s)"
        placeholder={DEFAULT_OPTIONS.connectTimeout}
        max={300}
      />
      <NumberField
        {...props}
        field="queryTimeout"
        label="Query timeout (s)"
        placeholder={DEFAULT_OPTIONS.queryTimeout}
        max={3600}
      />
    </FieldSet>
  );
}
