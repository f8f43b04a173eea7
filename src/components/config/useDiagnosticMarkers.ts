import { useCallback, useEffect, useState } from 'react';
import { Monaco, MonacoEditor } from '@grafana/ui';

import { Diagnostic } from '../../types';

interface Mounted {
  editor: MonacoEditor;
  monaco: Monaco;
}

const OWNER = 'sloguard-validate';

/**
 * useDiagnosticMarkers underlines each positioned diagnostic in the code editor (a marker with
 * the message as hover) and returns the editor's onEditorDidMount callback.
 */
export function useDiagnosticMarkers(diagnostics: Diagnostic[]): (editor: MonacoEditor, monaco: Monaco) => void {
  const [mounted, setMounted] = useState<Mounted>();

  useEffect(() => {
    const model = mounted?.editor.getModel();
    if (!mounted || !model) {
      return;
    }
    const { monaco } = mounted;
    const markers = diagnostics
      .filter((d) => d.line)
      .map((d) => {
        const line = Math.min(d.line ?? 1, model.getLineCount());
        const column = d.column ?? 1;
        return {
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: d.path ? `${d.path}: ${d.message}` : d.message,
          startLineNumber: line,
          startColumn: column,
          endLineNumber: line,
          endColumn: Math.max(column + 1, model.getLineMaxColumn(line)),
        };
      });
    monaco.editor.setModelMarkers(model, OWNER, markers);
  }, [mounted, diagnostics]);

  return useCallback((editor: MonacoEditor, monaco: Monaco) => setMounted({ editor, monaco }), []);
}
