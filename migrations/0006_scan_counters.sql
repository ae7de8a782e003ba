CREATE TABLE `scan_counters` (
	`day` text NOT NULL,
	`organization_id` text DEFAULT '' NOT NULL,
	`batch_id` text DEFAULT '' NOT NULL,
	`region_code` text DEFAULT '' NOT NULL,
	`verdict` text NOT NULL,
	`scans` integer NOT NULL,
	PRIMARY KEY(`day`, `organization_id`, `batch_id`, `region_code`, `verdict`)
);
--> statement-breakpoint
CREATE INDEX `scan_counters_org_day_idx` ON `scan_counters` (`organization_id`,`day`);--> statement-breakpoint
CREATE INDEX `scan_counters_region_day_idx` ON `scan_counters` (`region_code`,`day`);--> statement-breakpoint
CREATE INDEX `alerts_seen_idx` ON `alerts` (`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_status_seen_idx` ON `alerts` (`status`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_org_seen_idx` ON `alerts` (`organization_id`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_region_seen_idx` ON `alerts` (`region_code`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_seen_idx` ON `alerts` (`scan_region_code`,`last_seen_at`);