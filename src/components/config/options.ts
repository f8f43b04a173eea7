import { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';

import { SLOGuardOptions, SLOGuardSecureJsonData } from '../../types';

export type SLOGuardSettings = DataSourceSettings<SLOGuardOptions, SLOGuardSecureJsonData>;
export type SectionProps = DataSourcePluginOptionsEditorProps<SLOGuardOptions, SLOGuardSecureJsonData>;

/** The jsonData keys whose values are of type V (string: text fields, number: number fields). */
export type JsonDataKey<V> = {
  [K in keyof SLOGuardOptions]-?: SLOGuardOptions[K] extends V | undefined ? K : never;
}[keyof SLOGuardOptions];

/** withJsonData returns a copy of settings with one jsonData key set (undefined removes it). */
export function withJsonData<K extends keyof SLOGuardOptions>(
  settings: SLOGuardSettings,
  key: K,
  value: SLOGuardOptions[K]
): SLOGuardSettings {
  return { ...settings, jsonData: { ...settings.jsonData, [key]: value } };
}

/** withSecret returns a copy of settings with a new secret value to be sent to the backend. */
export function withSecret(
  settings: SLOGuardSettings,
  key: keyof SLOGuardSecureJsonData,
  value: string
): SLOGuardSettings {
  return { ...settings, secureJsonData: { ...settings.secureJsonData, [key]: value } };
}

/** withSecretReset returns a copy of settings in which a stored secret is cleared. */
export function withSecretReset(settings: SLOGuardSettings, key: keyof SLOGuardSecureJsonData): SLOGuardSettings {
  return {
    ...settings,
    secureJsonFields: { ...settings.secureJsonFields, [key]: false },
    secureJsonData: { ...settings.secureJsonData, [key]: '' },
  };
}

/** textValue maps an emptied text input to undefined, so the backend default applies. */
export function textValue(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** numberValue parses a number input; empty or non-numeric input is undefined (backend default). */
export function numberValue(value: string): number | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

// Go's time.ParseDuration syntax without a sign, e.g. "60s", "1m30s", "500ms".
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };

/** isGoDuration reports whether value parses as a positive Go duration. */
export function isGoDuration(value: string): boolean {
  return GO_DURATION.test(value);
}

/** goDurationMs is a Go duration in milliseconds, or undefined when value is not one. */
export function goDurationMs(value: string): number | undefined {
  if (!isGoDuration(value)) {
    return undefined;
  }
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) {
    ms += Number(amount) * UNIT_MS[unit];
  }
  return ms;
}

/** isHTTPURL reports whether value is an absolute http(s) URL with a host, as the backend requires. */
export function isHTTPURL(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}
