CREATE INDEX `alerts_seen_idx` ON `alerts` (`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_status_seen_idx` ON `alerts` (`status`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_org_seen_idx` ON `alerts` (`organization_id`,`last_seen_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_region_seen_idx` ON `alerts` (`region_code`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_seen_idx` ON `alerts` (`scan_region_code`,`last_seen_at`);