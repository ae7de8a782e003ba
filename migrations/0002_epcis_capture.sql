CREATE TABLE `epcis_capture_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`organization_id` text,
	`status` text NOT NULL,
	`event_count` integer NOT NULL,
	`captured_count` integer NOT NULL,
	`duplicate_count` integer NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epcis_capture_jobs_user_idx` ON `epcis_capture_jobs` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `trace_events` ADD `epcis_event_id` text;--> statement-breakpoint
ALTER TABLE `trace_events` ADD `epcis_event` text;--> statement-breakpoint
ALTER TABLE `trace_events` ADD `biz_step` text;--> statement-breakpoint
ALTER TABLE `trace_events` ADD `capture_job_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `trace_events_batch_epcis_event_uq` ON `trace_events` (`batch_id`,`epcis_event_id`) WHERE epcis_event_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `trace_events_epcis_event_idx` ON `trace_events` (`epcis_event_id`);