import { AnnotationQuery, CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { of } from 'rxjs';

import { annotationEvents } from './annotations';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { SLOGuardVariableSupport } from './variables';
import {
  ANNOTATIONS_QUERY_TYPE,
  DEFAULT_ANNOTATION_QUERY,
  DEFAULT_QUERY,
  ServiceInfo,
  SLOGuardOptions,
  SLOGuardQuery,
  SLOInfo,
} from './types';

/** RESOURCE_TTL_MS is how long the data source keeps a resource answer (see DataSource.resources). */
const RESOURCE_TTL_MS = 30_000;

export class DataSource extends DataSourceWithBackend<SLOGuardQuery, SLOGuardOptions> {
  /**
   * resources holds the answer (a promise) of each resource GET by path and parameters, and when
   * it was asked, so that the pickers of the query, variable and annotation editors fetch each
   * once while a user edits. An answer is kept RESOURCE_TTL_MS, so that a changed SLO config shows
   * in the pickers soon after; a failed fetch is dropped so the next call asks again.
   */
  private readonly resources = new Map<string, { answer: Promise<unknown>; at: number }>();

  constructor(instanceSettings: DataSourceInstanceSettings<SLOGuardOptions>) {
    super(instanceSettings);
    // Annotation queries go through the backend's QueryData like panel queries, with query type
    // "annotations"; its frame of time, timeEnd, title, text and tags becomes events here, keeping
    // the kinds (incidents, alert state changes) the annotation shows.
    this.annotations = {
      QueryEditor: AnnotationQueryEditor,
      getDefaultQuery: () => DEFAULT_ANNOTATION_QUERY,
      prepareQuery: annotationQuery,
      processEvents: (_anno, frames) => of(annotationEvents(frames)),
    };
    this.variables = new SLOGuardVariableSupport(this);
  }

  getDefaultQuery(_: CoreApp): Partial<SLOGuardQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: SLOGuardQuery, scopedVars: ScopedVars): SLOGuardQuery {
    const out = { ...query };
    templateField(out, 'service', 'services', scopedVars);
    templateField(out, 'slo', 'slos', scopedVars);
    return out;
  }

  filterQuery(query: SLOGuardQuery): boolean {
    return !query.hide;
  }

  /** getServices lists the services of the SLO config (resource GET services). */
  getServices(): Promise<ServiceInfo[]> {
    return this.cachedResource<ServiceInfo[]>('services');
  }

  /**
   * getSLOs lists the SLOs of a service, or of every service when service is empty (resource
   * GET slos). Template variables in service are replaced first.
   */
  getSLOs(service?: string, scopedVars: ScopedVars = {}): Promise<SLOInfo[]> {
    // A resource call takes one name, or none for all: a variable with several values gives "" (all).
    const name = service ? getTemplateSrv().replace(service, scopedVars, singleValue) : '';
    return this.cachedResource<SLOInfo[]>('slos', name ? { service: name } : {});
  }

  /** cachedResource is getResource(path, params), fetched again when older than RESOURCE_TTL_MS or failed. */
  private cachedResource<T>(path: string, params?: Record<string, string>): Promise<T> {
    const key = `${path}?${new URLSearchParams(params)}`;
    const cached = this.resources.get(key);
    if (cached && Date.now() - cached.at < RESOURCE_TTL_MS) {
      return cached.answer as Promise<T>;
    }
    const fetched = this.getResource<T>(path, params);
    const entry = { answer: fetched, at: Date.now() };
    fetched.catch(() => {
      if (this.resources.get(key) === entry) {
        this.resources.delete(key);
      }
    });
    this.resources.set(key, entry);
    return fetched;
  }
}

/** singleValue formats a template variable's value for a field that takes one name. */
export function singleValue(value: string | string[]): string {
  if (!Array.isArray(value)) {
    return value;
  }
  return value.length === 1 ? value[0] : '';
}

/**
 * templateNames replaces template variables in a query's service or SLO field: one name, or,
 * for a multi-value variable with several values picked (or All), no name and the values as a
 * list, which the backend reads from the services or slos field.
 */
function templateNames(text: string, scopedVars: ScopedVars): { name: string; names?: string[] } {
  let names: string[] | undefined;
  const name = getTemplateSrv().replace(text, scopedVars, (value: string | string[]) => {
    if (Array.isArray(value) && value.length > 1) {
      names = value;
      return '';
    }
    return singleValue(value);
  });
  return names ? { name: '', names } : { name };
}

/**
 * templateField replaces template variables in out's field key (service or slo), if set, with
 * templateNames; several values go to listKey (services or slos).
 */
function templateField(
  out: SLOGuardQuery,
  key: 'service' | 'slo',
  listKey: 'services' | 'slos',
  scopedVars: ScopedVars
) {
  const text = out[key];
  if (!text) {
    return;
  }
  const { name, names } = templateNames(text, scopedVars);
  out[key] = name;
  if (names) {
    out[listKey] = names;
  }
}

/**
 * annotationQuery is the query an annotation runs. An annotation saved before its query was edited
 * has no target (Grafana only stores the query once the editor changes it), and Grafana spreads
 * getDefaultQuery into the annotation rather than its target: both run as the default annotation
 * query. The annotation editor offers the annotations query type only, so that is what runs.
 */
function annotationQuery(anno: AnnotationQuery<SLOGuardQuery>): SLOGuardQuery {
  const target: Partial<SLOGuardQuery> = anno.target ?? {};
  return {
    ...target,
    refId: target.refId || 'Anno',
    queryType: ANNOTATIONS_QUERY_TYPE,
  };
}
