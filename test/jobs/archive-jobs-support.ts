// Settings that make pg-boss notice a dead worker within seconds (production: 15 minutes).
export const CRASH_JOB_SETTINGS = { expireInSeconds: 2, retryDelaySeconds: 1, maintenanceIntervalSeconds: 1, pollingIntervalSeconds: 0.5 } as const;
