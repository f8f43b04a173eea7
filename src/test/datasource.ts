import { DataSourceInstanceSettings } from '@grafana/data';
import { act } from '@testing-library/react';

import { DataSource } from '../datasource';
import { SLOGuardOptions } from '../types';

/** testInstanceSettings are the settings of the SLOGuard data source the tests talk to (uid "sloguard"). */
const testInstanceSettings = {
  uid: 'sloguard',
  type: 'sloguard-slo-datasource',
  name: 'SLOGuard',
  jsonData: {},
} as unknown as DataSourceInstanceSettings<SLOGuardOptions>;

/** testDataSource is a DataSource on testInstanceSettings. */
export function testDataSource(): DataSource {
  return new DataSource(testInstanceSettings);
}

/** answered waits for the fake backend's answers (resolved promises) to reach a rendered editor. */
export async function answered() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}
