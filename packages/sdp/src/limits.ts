/**
 * Caps on what a description may grow to (design.md: every buffer input can grow has a cap).
 * Real offers are a few kB: Chromium's audio + simulcast video + video + data offer with 32
 * gathered candidates is 13 kB and 400 lines; an SFU subscriber with 100 m= sections stays
 * under 300 kB.
 */
export interface SdpLimits {
  /** Characters of the whole text (default 1 MiB). */
  readonly maxLength?: number;
  /** Lines (default 20 000). */
  readonly maxLines?: number;
  /** Characters of one line (default 16 KiB). */
  readonly maxLineLength?: number;
  /** m= sections (default 1024). */
  readonly maxMediaSections?: number;
}

export const DEFAULT_MAX_LENGTH = 1 << 20;
export const DEFAULT_MAX_LINES = 20_000;
export const DEFAULT_MAX_LINE_LENGTH = 16_384;
export const DEFAULT_MAX_MEDIA_SECTIONS = 1024;
