ALTER TABLE `idempotency_keys` ADD `lease_token` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_expires_at` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `committed_at` text;