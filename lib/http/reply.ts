/** What a business function returns; the stack turns it into the API Gateway response. */
/** What a business function returns; `T` is the JSON body, checked against the route's schema. */
export interface Reply<T = unknown> {
  status: number;
  json?: T;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const ok = <T>(json: T): Reply<T> => ({ status: 200, json });
export const created = <T>(json: T): Reply<T> => ({ status: 201, json });
export const noContent = (): Reply<never> => ({ status: 204 });
export const empty = (status: number): Reply<never> => ({ status });
