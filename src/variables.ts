import { CustomVariableSupport, DataQueryRequest, DataQueryResponse, MetricFindValue, ScopedVars } from '@grafana/data';
import { from, map, Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { sloNamesOnce } from './resources';
import { DEFAULT_VARIABLE_QUERY, SLOGuardQuery, SLOGuardVariableQuery } from './types';

/**
 * SLOGuardVariableSupport makes services and SLOs template variables: the values come from the
 * backend's services and slos resources, so they follow the SLO config.
 */
export class SLOGuardVariableSupport extends CustomVariableSupport<DataSource, SLOGuardVariableQuery, SLOGuardQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  /**
   * getDefaultQuery is the query a new variable starts with: Grafana spreads it into the variable's
   * query (the editor's query). @grafana/data types it as the panel query, hence the cast.
   */
  getDefaultQuery(): Partial<SLOGuardQuery> {
    return DEFAULT_VARIABLE_QUERY as Partial<SLOGuardQuery>;
  }

  query(request: DataQueryRequest<SLOGuardVariableQuery>): Observable<DataQueryResponse> {
    const [query] = request.targets;
    return from(variableValues(this.datasource, query, request.scopedVars)).pipe(map((data) => ({ data })));
  }
}

/**
 * variableValues lists a variable's values: the service names, or the SLO names of a service
 * (template variables in it replaced; empty: the SLOs of every service, each name once).
 */
export async function variableValues(
  datasource: DataSource,
  query: SLOGuardVariableQuery | undefined,
  scopedVars: ScopedVars = {}
): Promise<MetricFindValue[]> {
  if ((query?.kind ?? DEFAULT_VARIABLE_QUERY.kind) === 'services') {
    const services = await datasource.getServices();
    return services.map((s) => ({ text: s.name, value: s.name }));
  }
  const slos = await datasource.getSLOs(query?.service, scopedVars);
  return sloNamesOnce(slos).map((s) => ({ text: s.slo, value: s.slo }));
}
