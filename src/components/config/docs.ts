const README = 'https://github.com/sloguard/sloguard#';

/** Documentation the config editor links to: README sections and the SLO config reference. */
export const DOCS = {
  readme: 'https://github.com/sloguard/sloguard#readme',
  settings: `${README}data-source-settings`,
  logTables: `${README}log-tables`,
  sloConfig: 'https://github.com/sloguard/sloguard/blob/main/pkg/slo/doc.go',
} as const;
