import { AnnotationEvent, DataFrame, DataFrameView } from '@grafana/data';

/** A row of the backend's annotation frame (pkg/plugin/annotations.go annotationsFrame). */
interface AnnotationRow {
  time: number;
  timeEnd: number | null;
  title: string;
  text: string;
  /** Comma-separated: "sloguard", then "incident" or "alert", then service, SLO, severity, state. */
  tags: string;
}

/**
 * annotationEvents turns the backend's annotation frames into events: incidents as regions (or an
 * instant while open), alert state changes as instants. The backend answers the kinds the
 * query's show field asks for.
 */
export function annotationEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    new DataFrameView<AnnotationRow>(frame).forEach((row: AnnotationRow) => {
      const tags = row.tags ? row.tags.split(',') : [];
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
