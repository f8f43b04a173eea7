import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { SLOGuardOptions, SLOGuardQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, SLOGuardQuery, SLOGuardOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
