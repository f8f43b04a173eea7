/** Shared widths (in theme spacing units) so the config sections line up. */
export const LABEL_WIDTH = 24;
export const INPUT_WIDTH = 40;
