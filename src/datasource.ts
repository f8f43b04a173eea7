import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { DEFAULT_QUERY, SLOGuardOptions, SLOGuardQuery } from './types';

export class DataSource extends DataSourceWithBackend<SLOGuardQuery, SLOGuardOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<SLOGuardOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<SLOGuardQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: SLOGuardQuery, scopedVars: ScopedVars): SLOGuardQuery {
    const templateSrv = getTemplateSrv();
    return {
      ...query,
      service: query.service ? templateSrv.replace(query.service, scopedVars) : query.service,
      slo: query.slo ? templateSrv.replace(query.slo, scopedVars) : query.slo,
    };
  }

  filterQuery(query: SLOGuardQuery): boolean {
    return !query.hide;
  }
}
