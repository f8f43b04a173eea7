import { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';

/** A handler answers one resource request: with data, or by throwing a fetchError. */
export type Handler = (request: BackendSrvRequest) => unknown;

/**
 * fakeBackend stands in for Grafana's backend server at the HTTP boundary: every request the
 * front end makes goes through fetch, answered by the handler registered for its method and path.
 * Tests route getBackendSrv to it (jest.mock of @grafana/runtime).
 */
export const fakeBackend = {
  handlers: new Map<string, Handler>(),
  requests: [] as BackendSrvRequest[],

  /** on registers the answer to "METHOD /path" (the URL without its query string). */
  on(route: string, handler: Handler) {
    this.handlers.set(route, handler);
  },

  reset() {
    this.handlers.clear();
    this.requests = [];
  },

  fetch<T>(request: BackendSrvRequest): Observable<FetchResponse<T>> {
    this.requests.push(request);
    const route = `${request.method ?? 'GET'} ${request.url.split('?')[0]}`;
    const handler = this.handlers.get(route);
    if (!handler) {
      return throwError(() => fetchError(404, { message: `no handler for ${route}` }));
    }
    try {
      return of({ data: handler(request) as T, status: 200, ok: true } as FetchResponse<T>);
    } catch (err) {
      return throwError(() => err);
    }
  },
};

/** fetchError is the error Grafana's backend server raises for an HTTP error status. */
export function fetchError(status: number, data: { error?: string; message?: string }): FetchError {
  return { status, data, config: { url: '' }, statusText: '' };
}

/** resourcePath is the URL of a resource of the data source uid, as DataSourceWithBackend builds it. */
export function resourcePath(uid: string, path: string): string {
  return `/api/datasources/uid/${uid}/resources/${path}`;
}
