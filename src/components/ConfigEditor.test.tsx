import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { SLOGuardOptions, SLOGuardSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';
import { SLOGuardSettings } from './config/options';
import { testSettings } from './config/testSettings';
import { useFakeBackend } from '../test/backendSrv';
import { sizeElements } from '../test/dom';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  CodeEditor: jest.requireActual('../test/CodeEditorStandIn').CodeEditorStandIn,
}));

function setup(options: SLOGuardSettings) {
  const onOptionsChange = jest.fn();
  const result = render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { ...result, onOptionsChange };
}

function lastSettings(onOptionsChange: jest.Mock): SLOGuardSettings {
  expect(onOptionsChange).toHaveBeenCalled();
  return onOptionsChange.mock.calls[onOptionsChange.mock.calls.length - 1][0];
}

/**
 * field finds an input by its label; "Section/Label" looks inside the fieldset with that legend
 * (found by its text: role queries are slow on a page this size).
 */
function field(path: string): HTMLElement {
  const [section, label] = path.includes('/') ? path.split('/') : [undefined, path];
  if (!section) {
    return screen.getByLabelText(label);
  }
  const fieldset = screen.getByText(section, { selector: 'legend' }).closest('fieldset');
  expect(fieldset).not.toBeNull();
  return within(fieldset!).getByLabelText(label);
}

describe('ConfigEditor', () => {
  beforeEach(() => {
    useFakeBackend();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('renders connection fields with their current values', () => {
    setup(
      testSettings({
        host: 'db.internal',
        port: 6543,
        database: 'observability',
        user: 'grafana',
        sslMode: 'verify-full',
        maxOpenConns: 20,
      })
    );

    expect(field('Host')).toHaveValue('db.internal');
    expect(field('Port')).toHaveValue(6543);
    expect(field('Database')).toHaveValue('observability');
    expect(field('User')).toHaveValue('grafana');
    expect(field('SSL mode')).toHaveValue('verify-full');
    expect(field('Max open connections')).toHaveValue(20);
  });

  it.each([
    ['Host', 'localhost'],
    ['Port', '5432'],
    ['Max open connections', '10'],
    ['Connect timeout (s)', '10'],
    ['Query timeout (s)', '30'],
    ['Schema', 'sloguard'],
    ['Evaluation interval', '60s'],
    ['Request logs/Table', 'request_logs'],
    ['Request logs/Status code column', 'status_code'],
    ['Request logs/Response time (ms) column', 'response_time_ms'],
    ['User journey logs/Table', 'user_journey_logs'],
    ['User journey logs/Step order column', 'step_order'],
    ['User journey logs/Duration (ms) column', 'duration_ms'],
  ])('shows the backend default of %s as an empty field with placeholder %j', (path, placeholder) => {
    setup(testSettings());

    const input = field(path);
    expect(input).toHaveAttribute('placeholder', placeholder);
    expect(input).toHaveValue(input.getAttribute('type') === 'number' ? null : '');
  });

  it('shows the default SSL mode when none is set', () => {
    setup(testSettings());
    expect(field('SSL mode')).toHaveValue('prefer');
  });

  it.each<[string, Partial<SLOGuardOptions>, string]>([
    ['Host', { host: 'db.internal' }, 'db.internal'],
    ['Port', { port: 6543 }, '6543'],
    ['Database', { database: 'observability' }, 'observability'],
    ['User', { user: 'grafana' }, 'grafana'],
    ['Max open connections', { maxOpenConns: 25 }, '25'],
    ['Connect timeout (s)', { connectTimeout: 5 }, '5'],
    ['Query timeout (s)', { queryTimeout: 90 }, '90'],
    ['Schema', { schema: 'slo_state' }, 'slo_state'],
    ['Code editor (yaml)', { sloConfig: 'services: []' }, 'services: []'],
    ['Evaluation interval', { detectionInterval: '30s' }, '30s'],
    ['Request logs/Table', { requestLogs: { table: 'http_logs' } }, 'http_logs'],
    ['Request logs/Status code column', { requestLogs: { statusCode: 'code' } }, 'code'],
    ['Request logs/Route column', { requestLogs: { route: 'path' } }, 'path'],
    ['User journey logs/Table', { journeyLogs: { table: 'journeys' } }, 'journeys'],
    ['User journey logs/Journey ID column', { journeyLogs: { journeyId: 'jid' } }, 'jid'],
    ['User journey logs/Success column', { journeyLogs: { success: 'ok' } }, 'ok'],
  ])('typing in %s sets jsonData %j and keeps the other keys', (path, expected, typed) => {
    const options = testSettings({ database: 'keep-me', requestLogs: { service: 'svc' }, journeyLogs: {} });
    const { onOptionsChange } = setup(options);

    fireEvent.change(field(path), { target: { value: typed } });

    const next = lastSettings(onOptionsChange);
    const merged: SLOGuardOptions = { ...options.jsonData, ...expected };
    if (expected.requestLogs) {
      merged.requestLogs = { ...options.jsonData.requestLogs, ...expected.requestLogs };
    }
    if (expected.journeyLogs) {
      merged.journeyLogs = { ...options.jsonData.journeyLogs, ...expected.journeyLogs };
    }
    expect(next.jsonData).toEqual(merged);
    expect(next.secureJsonData).toBeUndefined();
  });

  it('clearing a field removes its key so the backend default applies', () => {
    const { onOptionsChange } = setup(testSettings({ host: 'db.internal', port: 6543 }));

    fireEvent.change(field('Port'), { target: { value: '' } });

    expect(lastSettings(onOptionsChange).jsonData).toEqual({ host: 'db.internal', port: undefined });
  });

  it('selecting an SSL mode sets jsonData.sslMode', async () => {
    sizeElements();
    const { onOptionsChange } = setup(testSettings({ host: 'db' }));

    await userEvent.click(field('SSL mode'));
    await userEvent.click(await screen.findByRole('option', { name: /verify-ca/ }));

    expect(lastSettings(onOptionsChange).jsonData).toEqual({ host: 'db', sslMode: 'verify-ca' });
  });

  it('turning detection on sets jsonData.detectionEnabled', async () => {
    const { onOptionsChange } = setup(testSettings());

    await userEvent.click(field('Built-in detection'));

    expect(lastSettings(onOptionsChange).jsonData).toEqual({ detectionEnabled: true });
  });

  it.each<[string, string | undefined]>([
    ['60', 'Use a Go duration such as 60s or 5m'],
    ['1d', 'Use a Go duration such as 60s or 5m'],
    ['5s', 'Use at least 10s'],
    ['90s', undefined],
    ['1m30s', undefined],
  ])('an evaluation interval of %j shows the error %j', (interval, message) => {
    setup(testSettings({ detectionInterval: interval }));

    for (const text of ['Use a Go duration such as 60s or 5m', 'Use at least 10s']) {
      if (text === message) {
        expect(screen.getByText(text)).toBeInTheDocument();
      } else {
        expect(screen.queryByText(text)).not.toBeInTheDocument();
      }
    }
  });

  it.each<[string, boolean]>([
    ['https://grafana.example.com/d/slo', false],
    ['grafana.example.com/d/slo', true],
  ])('a dashboard URL of %j shows an error: %s', (dashboardUrl, shown) => {
    setup(testSettings({ dashboardUrl }));

    const error = screen.queryByText('Use an absolute http(s) URL');
    if (shown) {
      expect(error).toBeInTheDocument();
    } else {
      expect(error).not.toBeInTheDocument();
    }
  });

  it('links to the documentation', () => {
    setup(testSettings());

    expect(screen.getByRole('link', { name: /documentation/ })).toHaveAttribute(
      'href',
      'https://github.com/sloguard/sloguard#readme'
    );
    expect(screen.getByRole('link', { name: /SLO config reference/ })).toHaveAttribute(
      'href',
      expect.stringContaining('pkg/slo/doc.go')
    );
  });

  it('shows the file path input when the SLO config comes from a file', () => {
    setup(testSettings({ sloConfigPath: '/etc/sloguard/slos.yaml' }));

    expect(field('SLO configuration/File path')).toHaveValue('/etc/sloguard/slos.yaml');
    expect(screen.queryByLabelText('Code editor (yaml)')).not.toBeInTheDocument();
  });

  it('switching the SLO config source keeps only the chosen one of sloConfig and sloConfigPath', async () => {
    const { onOptionsChange } = setup(testSettings({ host: 'db', sloConfigPath: '/etc/sloguard/slos.yaml' }));

    await userEvent.click(screen.getByRole('radio', { name: 'Inline YAML' }));

    const jsonData = lastSettings(onOptionsChange).jsonData;
    expect(jsonData).not.toHaveProperty('sloConfigPath');
    expect(jsonData.host).toBe('db');
    expect(screen.getByLabelText('Code editor (yaml)')).toBeInTheDocument();
  });

  describe.each<[keyof SLOGuardSecureJsonData, string]>([
    ['password', 'Password'],
    ['slackWebhookUrl', 'Slack webhook URL'],
    ['slackBotToken', 'Slack bot token'],
    ['pagerDutyRoutingKey', 'PagerDuty routing key'],
    ['smtpPassword', 'SMTP password'],
  ])('secret %s', (key, label) => {
    const secret = 'sup3r-s3cret-value';

    it('renders as configured, read-only, with a reset button when stored', () => {
      setup(testSettings({}, { [key]: true }));

      const input = field(label);
      expect(input).toHaveValue('configured');
      expect(input).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument();
    });

    it.each([
      ['stored', true],
      ['not stored', false],
    ])('never puts the secret value in the DOM when %s', (_, configured) => {
      const { container } = setup(testSettings({}, { [key]: configured }, { [key]: secret }));

      expect(container.innerHTML).not.toContain(secret);
      expect(screen.queryByDisplayValue(secret)).not.toBeInTheDocument();
    });

    it('renders an empty password input when not stored', () => {
      setup(testSettings());

      const input = field(label);
      expect(input).toHaveAttribute('type', 'password');
      expect(input).toHaveValue('');
      expect(screen.queryByRole('button', { name: 'Reset' })).not.toBeInTheDocument();
    });

    it('typing sends the value in secureJsonData only', () => {
      const options = testSettings({ host: 'db' });
      const { onOptionsChange } = setup(options);

      fireEvent.change(field(label), { target: { value: secret } });

      const next = lastSettings(onOptionsChange);
      expect(next.secureJsonData).toEqual({ [key]: secret });
      expect(next.jsonData).toEqual({ host: 'db' });
    });

    it('resetting sets secureJsonFields false and secureJsonData empty', async () => {
      const { onOptionsChange } = setup(testSettings({}, { [key]: true }));

      await userEvent.click(screen.getByRole('button', { name: 'Reset' }));

      const next = lastSettings(onOptionsChange);
      expect(next.secureJsonFields[key]).toBe(false);
      expect(next.secureJsonData).toEqual({ [key]: '' });
    });
  });
});
