CREATE TABLE `alert_events` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`note` text,
	`actions` text DEFAULT '[]' NOT NULL,
	`actor_user_id` text,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_events_alert_idx` ON `alert_events` (`alert_id`,`at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`rule` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`label_code` text,
	`batch_id` text,
	`authorization_id` text,
	`organization_id` text,
	`region_code` text,
	`scan_region_code` text,
	`severity` text NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`first_seen_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`last_seen_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`details` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_status_region_idx` ON `alerts` (`status`,`region_code`);--> statement-breakpoint
CREATE INDEX `alerts_scan_region_idx` ON `alerts` (`scan_region_code`,`status`);--> statement-breakpoint
CREATE INDEX `alerts_subject_rule_idx` ON `alerts` (`subject_type`,`subject_id`,`rule`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `alerts_org_idx` ON `alerts` (`organization_id`,`status`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_user_id` text,
	`actor_role` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `authorization_label_usage` (
	`authorization_id` text NOT NULL,
	`year` integer NOT NULL,
	`issued` integer DEFAULT 0 NOT NULL,
	`quota` integer,
	PRIMARY KEY(`authorization_id`, `year`),
	FOREIGN KEY (`authorization_id`) REFERENCES `authorizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "label_quota_not_exceeded" CHECK("authorization_label_usage"."quota" IS NULL OR "authorization_label_usage"."issued" <= "authorization_label_usage"."quota")
);
--> statement-breakpoint
CREATE TABLE `authorizations` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`organization_id` text NOT NULL,
	`gi_product_id` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_until` text NOT NULL,
	`annual_label_quota` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`status_changed_by` text,
	`status_changed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`gi_product_id`) REFERENCES `gi_products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `authorizations_number_uq` ON `authorizations` (`number`);--> statement-breakpoint
CREATE INDEX `authorizations_org_product_idx` ON `authorizations` (`organization_id`,`gi_product_id`);--> statement-breakpoint
CREATE INDEX `authorizations_product_idx` ON `authorizations` (`gi_product_id`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`authorization_id` text NOT NULL,
	`site_id` text NOT NULL,
	`lot_code` text NOT NULL,
	`gtin` text,
	`quantity` real NOT NULL,
	`unit` text NOT NULL,
	`produced_at` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`status_reason` text,
	`released_at` text,
	`recalled_at` text,
	`label_count` integer DEFAULT 0 NOT NULL,
	`labels_scanned` integer DEFAULT 0 NOT NULL,
	`labels_flagged` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`authorization_id`) REFERENCES `authorizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_org_lot_uq` ON `batches` (`organization_id`,`lot_code`);--> statement-breakpoint
CREATE INDEX `batches_authorization_idx` ON `batches` (`authorization_id`);--> statement-breakpoint
CREATE INDEX `batches_gtin_lot_idx` ON `batches` (`gtin`,`lot_code`);--> statement-breakpoint
CREATE INDEX `batches_org_created_idx` ON `batches` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `gi_products` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text,
	`category` text NOT NULL,
	`protection_type` text NOT NULL,
	`registration_no` text NOT NULL,
	`holder_name` text NOT NULL,
	`protected_region_codes` text NOT NULL,
	`protected_area` text,
	`quality_standard` text,
	`shelf_life_days` integer,
	`eu_china_agreement` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gi_products_registration_uq` ON `gi_products` (`protection_type`,`registration_no`);--> statement-breakpoint
CREATE INDEX `gi_products_category_idx` ON `gi_products` (`category`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status_code` integer,
	`response_body` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `labels` (
	`code` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`key_id` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`void_reason` text,
	`voided_at` text,
	`voided_by` text,
	`scan_count` integer DEFAULT 0 NOT NULL,
	`first_scan_at` text,
	`first_scan_region` text,
	`last_scan_at` text,
	`last_scan_lat` real,
	`last_scan_lng` real,
	`client_keys` text DEFAULT '[]' NOT NULL,
	`scan_regions` text DEFAULT '[]' NOT NULL,
	`flagged_by_scan` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `labels_batch_idx` ON `labels` (`batch_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`uscc` text NOT NULL,
	`kind` text NOT NULL,
	`region_code` text NOT NULL,
	`address` text,
	`contact_name` text,
	`contact_phone` text,
	`contact_email` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_uscc_uq` ON `organizations` (`uscc`);--> statement-breakpoint
CREATE INDEX `organizations_region_idx` ON `organizations` (`region_code`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`family_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`spent_at` text,
	`revoked_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refresh_tokens_hash_uq` ON `refresh_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_family_idx` ON `refresh_tokens` (`family_id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`label_code` text,
	`description` text NOT NULL,
	`lat` real,
	`lng` real,
	`region_code` text,
	`client_key` text NOT NULL,
	`user_id` text,
	`status` text DEFAULT 'new' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_label_idx` ON `reports` (`label_code`);--> statement-breakpoint
CREATE INDEX `reports_region_idx` ON `reports` (`region_code`,`created_at`);--> statement-breakpoint
CREATE TABLE `risk_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `scan_daily_aggregates` (
	`day` text NOT NULL,
	`label_code` text DEFAULT '' NOT NULL,
	`region_code` text DEFAULT '' NOT NULL,
	`verdict` text NOT NULL,
	`scans` integer NOT NULL,
	PRIMARY KEY(`day`, `label_code`, `region_code`, `verdict`)
);
--> statement-breakpoint
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
	FOREIGN KEY (`label_code`) REFERENCES `labels`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scans_label_time_idx` ON `scans` (`label_code`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_batch_time_idx` ON `scans` (`batch_id`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_org_time_idx` ON `scans` (`organization_id`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_region_time_idx` ON `scans` (`region_code`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_client_time_idx` ON `scans` (`client_key`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_time_idx` ON `scans` (`scanned_at`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`region_code` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sites_organization_idx` ON `sites` (`organization_id`);--> statement-breakpoint
CREATE TABLE `trace_events` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`lat` real,
	`lng` real,
	`place_name` text,
	`data` text,
	`actor_user_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trace_events_batch_time_idx` ON `trace_events` (`batch_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text,
	`password_hash` text,
	`role` text NOT NULL,
	`display_name` text NOT NULL,
	`organization_id` text,
	`region_codes` text DEFAULT '[]' NOT NULL,
	`wechat_openid_hash` text,
	`disabled_at` text,
	`failed_login_count` integer DEFAULT 0 NOT NULL,
	`failed_login_window_start` text,
	`last_login_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_wechat_openid_hash_uq` ON `users` (`wechat_openid_hash`);--> statement-breakpoint
CREATE INDEX `users_organization_idx` ON `users` (`organization_id`);