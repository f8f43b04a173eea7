import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { SLOInfo, ValidateResult } from './types';

/**
 * validateSLOConfig checks SLO YAML with the backend's POST validate resource of the data source
 * uid. Resources are served by the saved data source's backend instance, so the data source must
 * have been saved once.
 */
export async function validateSLOConfig(uid: string, yaml: string): Promise<ValidateResult> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<ValidateResult>({
      method: 'POST',
      url: `/api/datasources/uid/${encodeURIComponent(uid)}/resources/validate`,
      data: yaml,
      headers: { 'Content-Type': 'application/yaml' },
      showErrorAlert: false,
      showSuccessAlert: false,
    })
  );
  return response.data;
}

/** resourceErrorMessage is what a failed resource request says: the backend's error, else the HTTP status. */
export function resourceErrorMessage(err: unknown): string {
  if (isFetchError<{ error?: string; message?: string }>(err)) {
    const body = err.data;
    return body?.error || body?.message || err.statusText || `HTTP ${err.status}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** isNotFound reports whether a resource request failed because the data source does not exist (yet). */
export function isNotFound(err: unknown): boolean {
  return isFetchError(err) && err.status === 404;
}

/**
 * sloNamesOnce keeps the first SLO of each name, in order: the SLOs of every service can repeat a
 * name (availability of two services), which a picker or variable offers once.
 */
export function sloNamesOnce(slos: SLOInfo[]): SLOInfo[] {
  const seen = new Set<string>();
  return slos.filter((s) => {
    if (seen.has(s.slo)) {
      return false;
    }
    seen.add(s.slo);
    return true;
  });
}
