import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PAGERDUTY_EU_ENDPOINT, SLOGuardOptions } from '../../types';
import { NotificationsSection } from './NotificationsSection';
import { SLOGuardSettings } from './options';
import { testSettings } from './testSettings';

/** Editor keeps the settings in state, as Grafana's settings page does, so a change shows. */
function Editor({ initial, onOptionsChange }: { initial: SLOGuardSettings; onOptionsChange: jest.Mock }) {
  const [options, setOptions] = useState(initial);
  const onChange = (next: SLOGuardSettings) => {
    onOptionsChange(next);
    setOptions(next);
  };
  return <NotificationsSection options={options} onOptionsChange={onChange} />;
}

function setup(jsonData: SLOGuardOptions = {}) {
  const onOptionsChange = jest.fn();
  render(<Editor initial={testSettings(jsonData)} onOptionsChange={onOptionsChange} />);
  return {
    lastJsonData: (): SLOGuardOptions => {
      const calls = onOptionsChange.mock.calls;
      expect(calls.length).toBeGreaterThan(0);
      return (calls[calls.length - 1][0] as SLOGuardSettings).jsonData;
    },
  };
}

describe('NotificationsSection', () => {
  it.each<[string, string, SLOGuardOptions]>([
    ['Slack channel', '#sre', { slackChannel: '#sre' }],
    ['SMTP host', 'smtp.example.com', { smtpHost: 'smtp.example.com' }],
    ['SMTP port', '465', { smtpPort: 465 }],
    ['SMTP user', 'mailer', { smtpUser: 'mailer' }],
    ['From', 'SLOGuard <slo@example.com>', { smtpFrom: 'SLOGuard <slo@example.com>' }],
  ])('typing in %s sets jsonData and keeps the other keys', (label, typed, expected) => {
    const { lastJsonData } = setup({ host: 'db' });

    fireEvent.change(screen.getByLabelText(label), { target: { value: typed } });

    expect(lastJsonData()).toEqual({ host: 'db', ...expected });
  });

  it('adds SMTP recipients one address at a time', async () => {
    const { lastJsonData } = setup({ smtpRecipients: ['oncall@example.com'] });

    await userEvent.type(screen.getByLabelText('Recipients'), 'sre@example.com{Enter}');

    expect(lastJsonData().smtpRecipients).toEqual(['oncall@example.com', 'sre@example.com']);
  });

  it('shows the SMTP defaults (port 587, starttls)', () => {
    setup();

    expect(screen.getByLabelText('SMTP port')).toHaveAttribute('placeholder', '587');
    expect(screen.getByLabelText('SMTP TLS')).toHaveValue('starttls');
  });

  it.each<[string, SLOGuardOptions, string]>([
    ['no endpoint is the US region', {}, 'US'],
    ['the EU endpoint is the EU region', { pagerDutyEndpoint: PAGERDUTY_EU_ENDPOINT }, 'EU'],
    ['another endpoint is custom', { pagerDutyEndpoint: 'http://receiver:8080' }, 'Custom'],
  ])('PagerDuty region: %s', (_, jsonData, region) => {
    setup(jsonData);

    expect(screen.getByRole('radio', { name: region })).toBeChecked();
  });

  it('picking the EU region sets the EU endpoint, picking US removes it', async () => {
    const { lastJsonData } = setup({ host: 'db' });

    await userEvent.click(screen.getByRole('radio', { name: 'EU' }));
    expect(lastJsonData()).toEqual({ host: 'db', pagerDutyEndpoint: PAGERDUTY_EU_ENDPOINT });

    await userEvent.click(screen.getByRole('radio', { name: 'US' }));
    expect(lastJsonData()).toEqual({ host: 'db', pagerDutyEndpoint: undefined });
  });

  it('a custom PagerDuty endpoint is edited in its own field', async () => {
    const { lastJsonData } = setup();
    expect(screen.queryByLabelText('Events API URL')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('radio', { name: 'Custom' }));
    fireEvent.change(screen.getByLabelText('Events API URL'), { target: { value: 'http://receiver:8080' } });

    expect(lastJsonData()).toEqual({ pagerDutyEndpoint: 'http://receiver:8080' });
  });
});
