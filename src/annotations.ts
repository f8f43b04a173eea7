import { AnnotationEvent, DataFrame, DataFrameView } from '@grafana/data';

import { AnnotationShow } from './types';

/** A row of the backend's annotation frame (pkg/plugin/annotations.go annotationsFrame). */
interface AnnotationRow {
  time: number;
  timeEnd: number | null;
  title: string;
  text: string;
  /** Comma-separated: "sloguard", then "incident" or "alert", then service, SLO, severity, state. */
  tags: string;
}

const KIND_TAG: Record<Exclude<AnnotationShow, 'all'>, string> = { incidents: 'incident', alerts: 'alert' };

/**
 * annotationEvents turns the backend's annotation frames into events: incidents as regions (or an
 * instant while open), alert state changes as instants, keeping the kind show asks for. The
 * backend answers both kinds; the filter is applied here, on the kind tag (the second tag).
 */
export function annotationEvents(frames: DataFrame[], show: AnnotationShow = 'all'): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    new DataFrameView<AnnotationRow>(frame).forEach((row: AnnotationRow) => {
      const tags = row.tags ? row.tags.split(',') : [];
      if (show !== 'all' && tags[1] !== KIND_TAG[show]) {
        return;
      }
      const region = row.timeEnd !== null && row.timeEnd !== undefined;
      events.push({
        time: row.time,
        timeEnd: region ? row.timeEnd! : undefined,
        isRegion: region,
        title: row.title,
        text: row.text,
        tags,
      });
    });
  }
  return events;
}
