import React from 'react';
import { Alert, Icon, Stack, Text } from '@grafana/ui';

import { Diagnostic } from '../../types';
import { ValidationState } from './useSLOValidation';

/** position is where a diagnostic points, as the editor counts (1-based). */
function position(d: Diagnostic): string {
  if (!d.line) {
    return '';
  }
  return d.column ? `Line ${d.line}, column ${d.column}` : `Line ${d.line}`;
}

function DiagnosticItem({ diagnostic }: { diagnostic: Diagnostic }) {
  const at = position(diagnostic);
  return (
    <li>
      <Text color={diagnostic.severity === 'error' ? 'error' : 'warning'}>
        {at && <strong>{at}: </strong>}
        {diagnostic.path && <code>{diagnostic.path}</code>} {diagnostic.message}
      </Text>
    </li>
  );
}

/** ValidationResult shows what the validate resource said about the SLO config. */
export function ValidationResult({ state }: { state: ValidationState }) {
  switch (state.status) {
    case 'idle':
      return null;
    case 'checking':
      return (
        <Text color="secondary" variant="bodySmall">
          Checking the SLO config…
        </Text>
      );
    case 'unavailable':
      return (
        <Alert severity="info" title="SLO config not checked">
          {state.message}
        </Alert>
      );
  }
  const { result } = state;
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  return (
    <Stack direction="column" gap={1}>
      {result.valid ? (
        <Text color="success">
          <Icon name="check" /> Valid: {result.services} services, {result.slos} SLOs
          {warnings > 0 && `, ${warnings} warnings`}
        </Text>
      ) : (
        <Text color="error">
          <Icon name="exclamation-triangle" /> {errors} {errors === 1 ? 'error' : 'errors'} in the SLO config
        </Text>
      )}
      {result.diagnostics.length > 0 && (
        <ul aria-label="SLO config problems">
          {result.diagnostics.map((d, i) => (
            <DiagnosticItem key={i} diagnostic={d} />
          ))}
        </ul>
      )}
    </Stack>
  );
}
