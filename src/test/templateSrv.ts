import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

type Format = (value: string | string[]) => string;

/**
 * fakeTemplateSrv stands in for Grafana's template service (it lives in Grafana, not in
 * @grafana/runtime): it replaces $name with a scoped variable, else a dashboard variable, and
 * passes the value through a format function as Grafana does (arrays for multi-value variables).
 */
export function fakeTemplateSrv(variables: Record<string, string | string[]>): TemplateSrv {
  return {
    getVariables: () => Object.keys(variables).map((name) => ({ name }) as TypedVariableModel),
    replace: (target = '', scopedVars?: ScopedVars, format?: string | Format) =>
      target.replace(/\$(\w+)/g, (match, name: string) => {
        const value: string | string[] | undefined = scopedVars?.[name]?.value ?? variables[name];
        if (value === undefined) {
          return match;
        }
        if (typeof format === 'function') {
          return format(value);
        }
        return Array.isArray(value) ? `{${value.join(',')}}` : value;
      }),
    containsTemplate: (target = '') => /\$\w+/.test(target),
    updateTimeRange: () => undefined,
  };
}
