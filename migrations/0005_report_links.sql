ALTER TABLE `reports` ADD `organization_id` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `alert_id` text;--> statement-breakpoint
CREATE INDEX `reports_alert_idx` ON `reports` (`alert_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_created_idx` ON `reports` (`created_at`);