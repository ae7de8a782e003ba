DROP INDEX `labels_batch_idx`;--> statement-breakpoint
CREATE INDEX `labels_batch_order_idx` ON `labels` (`batch_id`,`created_at`,`code`);