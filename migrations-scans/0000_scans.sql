-- The scans table of a province's scan database (SCAN_DATABASES; docs/scale.md "Beyond one
-- database"): the registry's scans table as migrations/ leave it, without the foreign key to
-- labels, which live in the registry. test/db/scan-database-schema.test.ts keeps the two equal.
CREATE TABLE `scans` (
	`id` text PRIMARY KEY NOT NULL,
	`label_code` text,
	`batch_id` text,
	`organization_id` text,
	`raw_input` text,
	`client_key` text NOT NULL,
	`user_id` text,
	`lat` real,
	`lng` real,
	`location_source` text DEFAULT 'none' NOT NULL,
	`region_code` text,
	`user_agent_class` text,
	`verdict` text NOT NULL,
	`reasons` text DEFAULT '[]' NOT NULL,
	`request_id` text,
	`scanned_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`source_key` text DEFAULT '' NOT NULL
);
CREATE INDEX `scans_batch_time_idx` ON `scans` (`batch_id`,`scanned_at`);
CREATE INDEX `scans_client_time_idx` ON `scans` (`client_key`,`scanned_at`);
CREATE INDEX `scans_invalid_region_time_idx` ON `scans` (`region_code`,`scanned_at`) WHERE verdict = 'invalid';
CREATE INDEX `scans_invalid_source_time_idx` ON `scans` (`source_key`,`scanned_at`) WHERE verdict = 'invalid';
CREATE INDEX `scans_label_time_idx` ON `scans` (`label_code`,`scanned_at`);
CREATE INDEX `scans_located_time_idx` ON `scans` (`scanned_at`,`id`) WHERE lat IS NOT NULL;
CREATE INDEX `scans_org_time_idx` ON `scans` (`organization_id`,`scanned_at`);
CREATE INDEX `scans_region_time_idx` ON `scans` (`region_code`,`scanned_at`);
CREATE INDEX `scans_time_idx` ON `scans` (`scanned_at`);
