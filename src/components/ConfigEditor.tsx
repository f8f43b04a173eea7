import React from 'react';

import { ConnectionSection } from './config/ConnectionSection';
import { DetectionSection } from './config/DetectionSection';
import { LogTablesSection } from './config/LogTablesSection';
import { NotificationSecretsSection } from './config/NotificationSecretsSection';
import { SectionProps } from './config/options';
import { SchemaSection } from './config/SchemaSection';
import { SLOConfigSection } from './config/SLOConfigSection';

export type Props = SectionProps;

export function ConfigEditor(props: Props) {
  return (
    <>
      <ConnectionSection {...props} />
      <SchemaSection {...props} />
      <SLOConfigSection {...props} />
      <LogTablesSection {...props} />
      <DetectionSection {...props} />
      <NotificationSecretsSection {...props} />
    </>
  );
}
