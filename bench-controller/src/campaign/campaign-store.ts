/** The CampaignStore port: durable campaigns, evaluations and measurements. */
export interface MeasurementRow {
  campaignId: number;
  board: string;
  phase: string;
  candidate: string;
  mode: number;
  modeName: string;
  sparsity: number;
  latencyUs: number;
  energyUj: number;
  energyUncertaintyUj: number;
  inferences: number;
  accuracy: number | null;
  costSource: string;
}

export interface CampaignStore {
  createCampaign(name: string, config: unknown): number;
  recordEvaluation(campaignId: number, candidateKey: string, evaluation: unknown, score: number): void;
  recordMeasurement(row: MeasurementRow): void;
  listMeasurements(campaignId: number): MeasurementRow[];
  counts(campaignId: number): { evaluations: number; measurements: number };
  close(): void;
}
