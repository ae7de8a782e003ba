DROP INDEX `scans_invalid_client_time_idx`;--> statement-breakpoint
ALTER TABLE `scans` ADD `source_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `scans_invalid_source_time_idx` ON `scans` (`source_key`,`scanned_at`) WHERE verdict = 'invalid';