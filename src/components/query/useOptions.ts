import { useEffect, useState } from 'react';
import { ComboboxOption } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';

import type { DataSource } from '../../datasource';
import { resourceErrorMessage, sloNamesOnce } from '../../resources';
import { SLOInfo } from '../../types';

/** Options loaded from a resource, and the error when loading failed. */
export interface LoadedOptions {
  options: Array<ComboboxOption<string>>;
  loading: boolean;
  error?: string;
}

/** variableOptions offers the dashboard's template variables ($name) as values. */
function variableOptions(): Array<ComboboxOption<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ value: `$${v.name}`, label: `$${v.name}`, description: 'Template variable' }));
}

/** useOptions loads options with load whenever key changes; an answer for an older key is dropped. */
function useOptions(load: () => Promise<Array<ComboboxOption<string>>>, key: string): LoadedOptions {
  const [answer, setAnswer] = useState<{ key: string; options: Array<ComboboxOption<string>>; error?: string }>();

  useEffect(() => {
    let current = true;
    load().then(
      (options) => current && setAnswer({ key, options }),
      (err: unknown) => current && setAnswer({ key, options: [], error: resourceErrorMessage(err) })
    );
    return () => {
      current = false;
    };
    // load is a new function every render; key says when its result changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // While a new key loads, the previous options stay offered.
  return {
    options: [...(answer?.options ?? []), ...variableOptions()],
    loading: answer?.key !== key,
    error: answer?.key === key ? answer.error : undefined,
  };
}

/** useServiceOptions lists the services of the SLO config, then the template variables. */
export function useServiceOptions(datasource: DataSource): LoadedOptions {
  return useOptions(async () => {
    const services = await datasource.getServices();
    return services.map((s) => ({
      value: s.name,
      label: s.name,
      description: `${s.slos} ${s.slos === 1 ? 'SLO' : 'SLOs'}`,
    }));
  }, datasource.uid);
}

function sloDescription(s: SLOInfo): string {
  const target = `${Number((s.objective * 100).toFixed(4))}% over ${s.window}`;
  return `${s.service} · ${s.sliType} · ${target}`;
}

/**
 * useSLOOptions lists the SLOs of service (all services when empty; template variables in it are
 * replaced), each name once, then the template variables. It reloads when service changes.
 */
export function useSLOOptions(datasource: DataSource, service: string | undefined): LoadedOptions {
  return useOptions(
    async () => {
      const slos = await datasource.getSLOs(service);
      return sloNamesOnce(slos).map((s) => ({ value: s.slo, label: s.slo, description: sloDescription(s) }));
    },
    `${datasource.uid}/${service ?? ''}`
  );
}

/** withValue makes sure a value typed by hand (or saved earlier) is among the options, so it shows. */
export function withValue(options: Array<ComboboxOption<string>>, value: string | undefined) {
  if (!value || options.some((o) => o.value === value)) {
    return options;
  }
  return [{ value, label: value }, ...options];
}
