import React from 'react';
import { Combobox, InlineField } from '@grafana/ui';

import type { DataSource } from '../../datasource';
import { LoadedOptions, useServiceOptions, useSLOOptions, withValue } from './useOptions';

interface PickerProps {
  datasource: DataSource;
  value: string | undefined;
  /** Called with the picked name, or undefined when cleared (all). */
  onChange: (value: string | undefined) => void;
}

interface NamePickerProps extends Omit<PickerProps, 'datasource'> {
  id: string;
  label: string;
  tooltip: string;
  placeholder: string;
  loaded: LoadedOptions;
}

function NamePicker({ id, label, tooltip, placeholder, loaded, value, onChange }: NamePickerProps) {
  return (
    <InlineField
      label={label}
      labelWidth={14}
      tooltip={tooltip}
      invalid={Boolean(loaded.error)}
      error={loaded.error && `Could not list them: ${loaded.error}`}
    >
      <Combobox
        id={id}
        width={30}
        options={withValue(loaded.options, value)}
        value={value ?? null}
        loading={loaded.loading}
        placeholder={placeholder}
        isClearable
        createCustomValue
        onChange={(option) => onChange(option?.value || undefined)}
      />
    </InlineField>
  );
}

const MULTI_VALUE_NOTE =
  'A variable with several values selected (or All) queries all of them; repeat the panel by the variable for one panel per value.';

/** ServicePicker picks a service of the SLO config, a template variable, or none (all services). */
export function ServicePicker({ datasource, id = 'sloguard-service', ...props }: PickerProps & { id?: string }) {
  const loaded = useServiceOptions(datasource);
  return (
    <NamePicker
      id={id}
      label="Service"
      tooltip={`Empty for all services. ${MULTI_VALUE_NOTE}`}
      placeholder="All services"
      loaded={loaded}
      {...props}
    />
  );
}

/** SLOPicker picks an SLO of the service (of any service when none), a template variable, or none (all SLOs). */
export function SLOPicker({
  datasource,
  service,
  id = 'sloguard-slo',
  ...props
}: PickerProps & { service: string | undefined; id?: string }) {
  const loaded = useSLOOptions(datasource, service);
  return (
    <NamePicker
      id={id}
      label="SLO"
      tooltip={`Empty for all SLOs of the service. ${MULTI_VALUE_NOTE}`}
      placeholder="All SLOs"
      loaded={loaded}
      {...props}
    />
  );
}

/**
 * withService returns the selection after picking service: the SLO is kept only when it is a
 * template variable, since a named SLO may not exist in the new service.
 */
export function withService<Q extends { service?: string; slo?: string }>(query: Q, service: string | undefined): Q {
  const slo = query.slo?.startsWith('$') ? query.slo : undefined;
  return { ...query, service, slo };
}
