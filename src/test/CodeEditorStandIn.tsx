import React, { ComponentProps, useState } from 'react';
import { CodeEditor } from '@grafana/ui';

type CodeEditorProps = ComponentProps<typeof CodeEditor>;

/**
 * CodeEditorStandIn replaces @grafana/ui's CodeEditor in Jest: Monaco cannot load in jsdom (its
 * ESM-only package, web workers). It keeps the contract the editors rely on: value in, onChange
 * with the whole text out, and, like CodeEditor, the onChange of the first render only (CodeEditor
 * subscribes it once, when Monaco mounts).
 */
export function CodeEditorStandIn({ value, onChange, language }: CodeEditorProps) {
  const [mountedOnChange] = useState(() => onChange);
  return (
    <textarea
      aria-label={`Code editor (${language})`}
      value={value}
      onChange={(e) => mountedOnChange?.(e.currentTarget.value)}
    />
  );
}
