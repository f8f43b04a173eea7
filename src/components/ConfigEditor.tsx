import React from 'react';
import { CollapsableSection, Divider, Stack, Text, TextLink } from '@grafana/ui';

import { AuthenticationSection, ConnectionLimitsSection, ConnectionSection } from './config/ConnectionSection';
import { DetectionSection } from './config/DetectionSection';
import { DOCS } from './config/docs';
import { LogTablesSection } from './config/LogTablesSection';
import { NotificationsSection } from './config/NotificationsSection';
import { SectionProps } from './config/options';
import { SchemaSection } from './config/SchemaSection';
import { SLOConfigSection } from './config/SLOConfigSection';

export type Props = SectionProps;

/**
 * ConfigEditor is the data source's settings page, laid out like Grafana's PostgreSQL data source:
 * connection and authentication first, then SLOGuard's own settings, advanced ones collapsed.
 */
export function ConfigEditor(props: Props) {
  const { jsonData } = props.options;
  const hasAdditional = Boolean(
    jsonData.schema || jsonData.maxOpenConns || jsonData.connectTimeout || jsonData.queryTimeout
  );
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        SLOGuard computes SLIs, error budgets and burn-rate alerts from request and user-journey logs in PostgreSQL. See
        the{' '}
        <TextLink href={DOCS.readme} external inline>
          documentation
        </TextLink>{' '}
        and the{' '}
        <TextLink href={DOCS.settings} external inline>
          settings reference
        </TextLink>
        .
      </Text>
      <ConnectionSection {...props} />
      <AuthenticationSection {...props} />
      <Divider />
      <SLOConfigSection {...props} />
      <LogTablesSection {...props} />
      <Divider />
      <DetectionSection {...props} />
      <NotificationsSection {...props} />
      <Divider />
      <CollapsableSection label="Additional settings" isOpen={hasAdditional} unmountContentWhenClosed={false}>
        <SchemaSection {...props} />
        <ConnectionLimitsSection {...props} />
      </CollapsableSection>
    </Stack>
  );
}
