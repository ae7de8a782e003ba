CREATE TABLE `scan_area_counters` (
	`area_code` text NOT NULL,
	`day` text NOT NULL,
	`organization_id` text DEFAULT '' NOT NULL,
	`genuine` integer DEFAULT 0 NOT NULL,
	`warning` integer DEFAULT 0 NOT NULL,
	`suspicious` integer DEFAULT 0 NOT NULL,
	`counterfeit` integer DEFAULT 0 NOT NULL,
	`recalled` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`area_code`, `day`, `organization_id`)
);
--> statement-breakpoint
CREATE TABLE `scan_batch_area_counters` (
	`area_code` text NOT NULL,
	`day` text NOT NULL,
	`batch_id` text NOT NULL,
	`organization_id` text NOT NULL,
	`genuine` integer DEFAULT 0 NOT NULL,
	`warning` integer DEFAULT 0 NOT NULL,
	`suspicious` integer DEFAULT 0 NOT NULL,
	`counterfeit` integer DEFAULT 0 NOT NULL,
	`recalled` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`area_code`, `day`, `batch_id`)
);
--> statement-breakpoint
CREATE TABLE `scan_batch_counters` (
	`day` text NOT NULL,
	`batch_id` text NOT NULL,
	`organization_id` text NOT NULL,
	`genuine` integer DEFAULT 0 NOT NULL,
	`warning` integer DEFAULT 0 NOT NULL,
	`suspicious` integer DEFAULT 0 NOT NULL,
	`counterfeit` integer DEFAULT 0 NOT NULL,
	`recalled` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `batch_id`)
);
--> statement-breakpoint
CREATE INDEX `scan_batch_counters_org_day_idx` ON `scan_batch_counters` (`organization_id`,`day`);--> statement-breakpoint
CREATE TABLE `scan_day_counters` (
	`day` text NOT NULL,
	`organization_id` text DEFAULT '' NOT NULL,
	`region_code` text DEFAULT '' NOT NULL,
	`genuine` integer DEFAULT 0 NOT NULL,
	`warning` integer DEFAULT 0 NOT NULL,
	`suspicious` integer DEFAULT 0 NOT NULL,
	`counterfeit` integer DEFAULT 0 NOT NULL,
	`recalled` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `organization_id`, `region_code`)
);
--> statement-breakpoint
CREATE INDEX `scan_day_counters_org_day_idx` ON `scan_day_counters` (`organization_id`,`day`);