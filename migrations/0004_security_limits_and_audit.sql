CREATE TABLE `login_attempts` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`window_start` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_attempts_window_idx` ON `login_attempts` (`window_start`);--> statement-breakpoint
DROP INDEX `scans_invalid_client_time_idx`;--> statement-breakpoint
ALTER TABLE `scans` ADD `source_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `scans_invalid_source_time_idx` ON `scans` (`source_key`,`scanned_at`) WHERE verdict = 'invalid';--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_token` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_expires_at` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `committed_at` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `organization_id` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `alert_id` text;--> statement-breakpoint
CREATE INDEX `reports_alert_idx` ON `reports` (`alert_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_created_idx` ON `reports` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_user_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `failed_login_count`;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `failed_login_window_start`;