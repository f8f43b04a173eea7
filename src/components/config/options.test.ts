import {
  goDurationMs,
  isGoDuration,
  isHTTPURL,
  numberValue,
  textValue,
  withJsonData,
  withSecret,
  withSecretReset,
} from './options';
import { testSettings } from './testSettings';

describe('settings updates', () => {
  it('do not mutate the settings they are given', () => {
    const settings = testSettings({ host: 'db' }, { password: true }, { smtpPassword: 'x' });
    const snapshot = JSON.parse(JSON.stringify(settings));

    withJsonData(settings, 'host', 'other');
    withSecret(settings, 'password', 'new');
    withSecretReset(settings, 'password');

    expect(settings).toEqual(snapshot);
  });

  it('keep the other jsonData keys when one key changes', () => {
    const next = withJsonData(testSettings({ host: 'db', port: 5433 }), 'database', 'slo');
    expect(next.jsonData).toEqual({ host: 'db', port: 5433, database: 'slo' });
  });

  it('keep the other secrets when one secret is reset', () => {
    const next = withSecretReset(testSettings({}, { password: true, smtpPassword: true }), 'password');
    expect(next.secureJsonFields).toEqual({ password: false, smtpPassword: true });
    expect(next.secureJsonData).toEqual({ password: '' });
  });
});

describe('textValue', () => {
  it.each([
    ['', undefined],
    ['db', 'db'],
    [' db ', ' db '],
  ])('maps %j to %j', (input, expected) => {
    expect(textValue(input)).toBe(expected);
  });
});

describe('numberValue', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['5432', 5432],
    ['2.5', 2.5],
    ['abc', undefined],
  ])('maps %j to %j', (input, expected) => {
    expect(numberValue(input)).toBe(expected);
  });
});

describe('isGoDuration', () => {
  it.each([
    ['60s', true],
    ['1m30s', true],
    ['500ms', true],
    ['1.5h', true],
    ['60', false],
    ['-60s', false],
    ['1 m', false],
    ['1d', false],
    ['', false],
  ])('%j is %s', (input, expected) => {
    expect(isGoDuration(input)).toBe(expected);
  });
});

describe('goDurationMs', () => {
  it.each<[string, number | undefined]>([
    ['60s', 60000],
    ['1m30s', 90000],
    ['1.5h', 5400000],
    ['500ms', 500],
    ['60', undefined],
    ['1d', undefined],
  ])('%j is %j ms', (input, expected) => {
    expect(goDurationMs(input)).toBe(expected);
  });
});

describe('isHTTPURL', () => {
  it.each([
    ['https://grafana.example.com/d/slo', true],
    ['http://localhost:3000', true],
    ['grafana.example.com', false],
    ['ftp://example.com', false],
    ['', false],
  ])('%j is %s', (input, expected) => {
    expect(isHTTPURL(input)).toBe(expected);
  });
});
