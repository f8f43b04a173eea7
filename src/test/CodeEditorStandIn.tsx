import React, { ComponentProps } from 'react';
import { CodeEditor } from '@grafana/ui';

type CodeEditorProps = ComponentProps<typeof CodeEditor>;

/**
 * CodeEditorStandIn replaces @grafana/ui's CodeEditor in Jest: Monaco cannot load in jsdom (its
 * ESM-only package, web workers). It keeps the contract the editors rely on: value in, onChange
 * with the whole text out.
 */
export function CodeEditorStandIn({ value, onChange, language }: CodeEditorProps) {
  return (
    <textarea
      aria-label={`Code editor (${language})`}
      value={value}
      onChange={(e) => onChange?.(e.currentTarget.value)}
    />
  );
}
