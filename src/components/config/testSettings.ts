import { SLOGuardOptions, SLOGuardSecureJsonData } from '../../types';
import { SLOGuardSettings } from './options';

/** testSettings builds data source settings as Grafana passes them to the config editor. */
export function testSettings(
  jsonData: SLOGuardOptions = {},
  secureJsonFields: Partial<Record<keyof SLOGuardSecureJsonData, boolean>> = {},
  secureJsonData?: SLOGuardSecureJsonData
): SLOGuardSettings {
  return {
    id: 1,
    uid: 'sloguard-test',
    orgId: 1,
    name: 'SLOGuard',
    type: 'sloguard-slo-datasource',
    typeName: 'SLOGuard',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- required by DataSourceSettings; SLOGuard uses jsonData.database
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    readOnly: false,
    withCredentials: false,
    jsonData,
    secureJsonFields,
    secureJsonData,
  };
}
