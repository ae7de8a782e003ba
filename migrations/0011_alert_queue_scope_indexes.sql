DROP INDEX `alerts_region_seen_idx`;--> statement-breakpoint
DROP INDEX `alerts_scan_region_seen_idx`;--> statement-breakpoint
ALTER TABLE `alerts` ADD `region_prefix2` text GENERATED ALWAYS AS (substr(region_code, 1, 2)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `alerts` ADD `region_prefix4` text GENERATED ALWAYS AS (substr(region_code, 1, 4)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `alerts` ADD `scan_region_prefix2` text GENERATED ALWAYS AS (substr(scan_region_code, 1, 2)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `alerts` ADD `scan_region_prefix4` text GENERATED ALWAYS AS (substr(scan_region_code, 1, 4)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `alerts_region_prefix4_seen_idx` ON `alerts` (`region_prefix4`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_region_prefix2_seen_idx` ON `alerts` (`region_prefix2`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_prefix4_seen_idx` ON `alerts` (`scan_region_prefix4`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_prefix2_seen_idx` ON `alerts` (`scan_region_prefix2`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_region_seen_idx` ON `alerts` (`region_code`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_seen_idx` ON `alerts` (`scan_region_code`,`last_seen_at`,`id`);