import React, { useState } from 'react';
import { Combobox, ComboboxOption, FieldSet, InlineField, RadioButtonGroup, TagsInput } from '@grafana/ui';

import { DEFAULT_OPTIONS, PAGERDUTY_EU_ENDPOINT, SMTPTLSMode } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { NumberField } from './NumberField';
import { SectionProps, withJsonData } from './options';
import { SecretField } from './SecretField';
import { TextField } from './TextField';

type Region = 'us' | 'eu' | 'custom';

const REGIONS: Array<{ value: Region; label: string; description: string }> = [
  { value: 'us', label: 'US', description: 'events.pagerduty.com (default)' },
  { value: 'eu', label: 'EU', description: PAGERDUTY_EU_ENDPOINT },
  { value: 'custom', label: 'Custom', description: 'Another Events API v2 base URL, e.g. a test receiver' },
];

const SMTP_TLS_MODES: Array<ComboboxOption<SMTPTLSMode>> = [
  { value: 'starttls', description: 'Upgrade with STARTTLS; fail if the server cannot' },
  { value: 'starttls_opportunistic', description: 'STARTTLS when the server offers it, else plain text' },
  { value: 'tls', description: 'TLS from the first byte (port 465)' },
  { value: 'none', description: 'Plain text; local test servers only' },
];

/** region tells which PagerDuty region an endpoint is: unset is the US region. */
function region(endpoint: string | undefined): Region {
  if (!endpoint) {
    return 'us';
  }
  return endpoint === PAGERDUTY_EU_ENDPOINT ? 'eu' : 'custom';
}

const REGION_ENDPOINTS: Record<Exclude<Region, 'custom'>, string | undefined> = {
  us: undefined,
  eu: PAGERDUTY_EU_ENDPOINT,
};

function SlackFields(props: SectionProps) {
  return (
    <FieldSet label="Slack">
      <SecretField
        {...props}
        secret="slackWebhookUrl"
        label="Slack webhook URL"
        placeholder="https://hooks.slack.com/services/…"
        tooltip="An incoming webhook posts to its own channel. Set this, or a bot token and a channel."
      />
      <SecretField
        {...props}
        secret="slackBotToken"
        label="Slack bot token"
        placeholder="xoxb-…"
        tooltip="A bot token with chat:write posts to the channel below"
      />
      <TextField {...props} field="slackChannel" label="Slack channel" placeholder="#sre-alerts or C0123456789" />
    </FieldSet>
  );
}

function PagerDutyFields(props: SectionProps) {
  const { options, onOptionsChange } = props;
  // Custom shows the URL field; the endpoint keeps its region's value until a URL is typed.
  const [custom, setCustom] = useState(region(options.jsonData.pagerDutyEndpoint) === 'custom');
  const current = custom ? 'custom' : region(options.jsonData.pagerDutyEndpoint);

  const onRegionChange = (next: Region) => {
    setCustom(next === 'custom');
    if (next !== 'custom') {
      onOptionsChange(withJsonData(options, 'pagerDutyEndpoint', REGION_ENDPOINTS[next]));
    }
  };

  return (
    <FieldSet label="PagerDuty">
      <SecretField
        {...props}
        secret="pagerDutyRoutingKey"
        label="PagerDuty routing key"
        placeholder="Events API v2 integration key"
        tooltip="The integration key of an Events API v2 integration on a PagerDuty service"
      />
      <InlineField label="Region" labelWidth={LABEL_WIDTH} tooltip="Service region of your PagerDuty account">
        <RadioButtonGroup options={REGIONS} value={current} onChange={onRegionChange} />
      </InlineField>
      {current === 'custom' && (
        <TextField
          {...props}
          field="pagerDutyEndpoint"
          label="Events API URL"
          placeholder="https://events.pagerduty.com"
        />
      )}
    </FieldSet>
  );
}

function EmailFields(props: SectionProps) {
  const { options, onOptionsChange } = props;
  const { jsonData } = options;

  return (
    <FieldSet label="Email">
      <TextField {...props} field="smtpHost" label="SMTP host" placeholder="smtp.example.com" />
      <NumberField {...props} field="smtpPort" label="SMTP port" placeholder={DEFAULT_OPTIONS.smtpPort} max={65535} />
      <InlineField label="SMTP TLS" labelWidth={LABEL_WIDTH}>
        <Combobox
          id="sloguard-smtpTLS"
          width={INPUT_WIDTH}
          options={SMTP_TLS_MODES}
          value={jsonData.smtpTLS ?? DEFAULT_OPTIONS.smtpTLS}
          onChange={(option) => onOptionsChange(withJsonData(options, 'smtpTLS', option.value))}
        />
      </InlineField>
      <TextField {...props} field="smtpUser" label="SMTP user" placeholder="Leave empty for no login" />
      <SecretField {...props} secret="smtpPassword" label="SMTP password" placeholder="SMTP password" />
      <TextField {...props} field="smtpFrom" label="From" placeholder="SLOGuard <sloguard@example.com>" />
      <InlineField label="Recipients" labelWidth={LABEL_WIDTH} tooltip="Press Enter after each address">
        <TagsInput
          id="sloguard-smtpRecipients"
          width={INPUT_WIDTH}
          tags={jsonData.smtpRecipients ?? []}
          placeholder="oncall@example.com"
          onChange={(tags) => onOptionsChange(withJsonData(options, 'smtpRecipients', tags.length ? tags : undefined))}
        />
      </InlineField>
    </FieldSet>
  );
}

/**
 * NotificationsSection configures the channels the detection loop notifies. A channel is active
 * when its secret is set (Slack webhook, or bot token and channel; PagerDuty routing key; SMTP
 * host and recipients).
 */
export function NotificationsSection(props: SectionProps) {
  return (
    <>
      <SlackFields {...props} />
      <PagerDutyFields {...props} />
      <EmailFields {...props} />
    </>
  );
}
