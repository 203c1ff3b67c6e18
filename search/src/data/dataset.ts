/** The dataset port: images/features as uint8 (scaled by 1/255 at use) with class labels. */
export interface Split {
  /** count * features values, row after row. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  name: string;
  /** Values per example. */
  features: number;
  /** HWC shape of one example. */
  shape: readonly [number, number, number];
  classes: number;
  train: Split;
  val: Split;
  test: Split;
}
