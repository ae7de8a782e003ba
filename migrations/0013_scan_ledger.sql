CREATE TABLE `scan_ledger` (
	`scan_id` text PRIMARY KEY NOT NULL,
	`database` text NOT NULL,
	`scanned_at` text NOT NULL,
	`located_by` text,
	`location` text
);
--> statement-breakpoint
CREATE INDEX `scan_ledger_time_idx` ON `scan_ledger` (`scanned_at`);--> statement-breakpoint
CREATE TABLE `scan_rollup_progress` (
	`database` text PRIMARY KEY NOT NULL,
	`through_at` text NOT NULL,
	`through_id` text NOT NULL
);
