import { AnnotationQuery, CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import {
  ANNOTATIONS_QUERY_TYPE,
  DEFAULT_ANNOTATION_QUERY,
  DEFAULT_QUERY,
  SLOGuardOptions,
  SLOGuardQuery,
} from './types';

export class DataSource extends DataSourceWithBackend<SLOGuardQuery, SLOGuardOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<SLOGuardOptions>) {
    super(instanceSettings);
    // Annotation queries go through the backend's QueryData like panel queries, with query type
    // "annotations"; the standard editor (this data source's query editor) edits them, and Grafana
    // maps the frame's time, timeEnd, title, text and tags fields to events.
    this.annotations = {
      getDefaultQuery: () => DEFAULT_ANNOTATION_QUERY,
      prepareQuery: annotationQuery,
    };
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

/**
 * annotationQuery is the query an annotation runs. An annotation saved before its query was edited
 * has no target (Grafana only stores the query once the editor changes it), and Grafana spreads
 * getDefaultQuery into the annotation rather than its target: both run as the default annotation
 * query. A query type the user picked is kept.
 */
export function annotationQuery(anno: AnnotationQuery<SLOGuardQuery>): SLOGuardQuery {
  const target: Partial<SLOGuardQuery> = anno.target ?? {};
  return {
    ...target,
    refId: target.refId || 'Anno',
    queryType: target.queryType || ANNOTATIONS_QUERY_TYPE,
  };
}
