CREATE TABLE `alert_counters` (
	`organization_id` text DEFAULT '' NOT NULL,
	`region_area` text DEFAULT '' NOT NULL,
	`scan_area` text DEFAULT '' NOT NULL,
	`day` text NOT NULL,
	`rule` text NOT NULL,
	`last_seen` integer DEFAULT 0 NOT NULL,
	`open_last_seen` integer DEFAULT 0 NOT NULL,
	`first_seen` integer DEFAULT 0 NOT NULL,
	`open_first_seen` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`organization_id`, `region_area`, `scan_area`, `day`, `rule`)
);
--> statement-breakpoint
-- Back-fill: every stored alert counts once as last seen on its last sight's Beijing day and once
-- as first seen on its first sight's, open or not by its status, under ('', '', ''), under its
-- organization's (organization, '', '') and under each pair of its producer region's and scan
-- region's scope codes (scopeCodesOf: province, prefecture, county; '' for any).
INSERT INTO alert_counters (organization_id, region_area, scan_area, day, rule, last_seen, open_last_seen, first_seen, open_first_seen)
SELECT CASE WHEN o.own = 1 THEN a.organization_id ELSE '' END,
       CASE WHEN r.len = 0 THEN '' ELSE substr(a.region_code, 1, r.len) || substr('0000', 1, 6 - r.len) END,
       CASE WHEN s.len = 0 THEN '' ELSE substr(a.scan_region_code, 1, s.len) || substr('0000', 1, 6 - s.len) END,
       date(CASE WHEN e.is_first = 1 THEN a.first_seen_at ELSE a.last_seen_at END, '+8 hours'),
       a.rule,
       sum(e.is_first = 0),
       sum(e.is_first = 0 AND a.status IN ('new', 'acknowledged', 'investigating')),
       sum(e.is_first = 1),
       sum(e.is_first = 1 AND a.status IN ('new', 'acknowledged', 'investigating'))
  FROM alerts a
  JOIN (SELECT 0 AS is_first UNION ALL SELECT 1) AS e
  JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS r
    ON r.len = 0 OR (a.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'
                     AND (r.len = 2 OR substr(a.region_code, r.len - 1, 2) != '00'))
  JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS s
    ON s.len = 0 OR (a.scan_region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'
                     AND (s.len = 2 OR substr(a.scan_region_code, s.len - 1, 2) != '00'))
  JOIN (SELECT 0 AS own UNION ALL SELECT 1) AS o
    ON o.own = 0 OR (a.organization_id IS NOT NULL AND r.len = 0 AND s.len = 0)
 GROUP BY 1, 2, 3, 4, 5;
