-- As migrations/0015_scans_flagged_indexes.sql in the registry.
CREATE INDEX `scans_flagged_org_time_idx` ON `scans` (`organization_id`,`verdict`,`scanned_at`) WHERE verdict NOT IN ('genuine', 'invalid');
CREATE INDEX `scans_flagged_region_time_idx` ON `scans` (`region_code`,`verdict`,`scanned_at`) WHERE verdict NOT IN ('genuine', 'invalid');
