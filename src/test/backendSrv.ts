import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, setBackendSrv } from '@grafana/runtime';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';

/** A handler answers one request: with data, or by throwing a fetchError. */
type Handler = (request: BackendSrvRequest) => unknown;

/**
 * FakeBackendSrv stands in for Grafana's backend server at the HTTP boundary: every request goes
 * through fetch and is answered by the handler registered for its method and path; an unknown
 * path answers 404 as Grafana does for an unknown data source. Install it with useFakeBackend.
 */
export class FakeBackendSrv implements BackendSrv {
  private handlers = new Map<string, Handler>();
  requests: BackendSrvRequest[] = [];

  /** on registers the answer to "METHOD /path" (the URL without its query string). */
  on(route: string, handler: Handler) {
    this.handlers.set(route, handler);
  }

  fetch<T>(request: BackendSrvRequest): Observable<FetchResponse<T>> {
    this.requests.push(request);
    const route = `${request.method ?? 'GET'} ${request.url.split('?')[0]}`;
    const handler = this.handlers.get(route);
    if (!handler) {
      return throwError(() => fetchError(404, { message: 'Data source not found' }));
    }
    try {
      const data = handler(request) as T;
      return of({
        data,
        status: 200,
        ok: true,
        statusText: 'OK',
        headers: new Headers(),
        redirected: false,
        type: 'basic',
        url: request.url,
        config: request,
      });
    } catch (err) {
      return throwError(() => err);
    }
  }

  get<T>(url: string, params?: BackendSrvRequest['params']): Promise<T> {
    return this.data<T>({ method: 'GET', url, params });
  }
  post<T>(url: string, data?: unknown): Promise<T> {
    return this.data<T>({ method: 'POST', url, data });
  }
  put<T>(url: string, data?: unknown): Promise<T> {
    return this.data<T>({ method: 'PUT', url, data });
  }
  patch<T>(url: string, data?: unknown): Promise<T> {
    return this.data<T>({ method: 'PATCH', url, data });
  }
  delete<T>(url: string, data?: unknown): Promise<T> {
    return this.data<T>({ method: 'DELETE', url, data });
  }
  request<T>(options: BackendSrvRequest): Promise<T> {
    return this.data<T>(options);
  }
  datasourceRequest<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }
  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    return throwError(() => new Error('chunked requests are not used by SLOGuard'));
  }

  private async data<T>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }
}

/** useFakeBackend installs a new FakeBackendSrv as Grafana's backend server and returns it. */
export function useFakeBackend(): FakeBackendSrv {
  const backend = new FakeBackendSrv();
  setBackendSrv(backend);
  return backend;
}

/** fetchError is the error Grafana's backend server raises for an HTTP error status. */
export function fetchError(status: number, data: { error?: string; message?: string }): FetchError {
  return { status, data, config: { url: '' }, statusText: '' };
}

/** resourcePath is the URL of a resource of the data source uid, as DataSourceWithBackend builds it. */
export function resourcePath(uid: string, path: string): string {
  return `/api/datasources/uid/${uid}/resources/${path}`;
}
