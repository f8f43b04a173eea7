import React from 'react';
import { FieldSet, InlineField, SecretInput } from '@grafana/ui';

import { SLOGuardSecureJsonData } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { SectionProps, withSecret, withSecretReset } from './options';

interface Secret {
  key: keyof SLOGuardSecureJsonData;
  label: string;
  placeholder: string;
}

const NOTIFICATION_SECRETS: Secret[] = [
  { key: 'slackWebhookUrl', label: 'Slack webhook URL', placeholder: 'https://hooks.slack.com/services/…' },
  { key: 'slackBotToken', label: 'Slack bot token', placeholder: 'xoxb-…' },
  { key: 'pagerDutyRoutingKey', label: 'PagerDuty routing key', placeholder: 'Events API v2 integration key' },
  { key: 'smtpPassword', label: 'SMTP password', placeholder: 'SMTP password' },
];

/**
 * Secrets are write-only: the inputs are uncontrolled and never read secureJsonData, so a value
 * can only be replaced or reset, never displayed.
 */
export function NotificationSecretsSection({ options, onOptionsChange }: SectionProps) {
  return (
    <FieldSet label="Notification secrets">
      {NOTIFICATION_SECRETS.map(({ key, label, placeholder }) => (
        <InlineField key={key} label={label} labelWidth={LABEL_WIDTH}>
          <SecretInput
            id={`sloguard-secret-${key}`}
            width={INPUT_WIDTH}
            isConfigured={Boolean(options.secureJsonFields?.[key])}
            placeholder={placeholder}
            onChange={(e) => onOptionsChange(withSecret(options, key, e.currentTarget.value))}
            onReset={() => onOptionsChange(withSecretReset(options, key))}
          />
        </InlineField>
      ))}
    </FieldSet>
  );
}
