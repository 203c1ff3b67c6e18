import type { DashboardSpec } from '../panels/panel-spec.js';
import { campaign } from './campaign.js';
import { fleetHealth } from './fleet-health.js';
import { labOverview } from './lab-overview.js';
import { models } from './models.js';

export const DASHBOARDS: readonly DashboardSpec[] = [labOverview, campaign, models, fleetHealth];
