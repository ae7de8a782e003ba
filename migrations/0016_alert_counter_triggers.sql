-- alert_counters (migration 0014) kept by the database itself: a trigger on every insert, change
-- and deletion of an alert adds its new presence and takes away its old one, so that no write of
-- the app needs a statement of its own for them (the scan path raises alerts on every scan of a
-- forgery probe, where one more statement per alert cost a quarter of the rate). A change that
-- leaves an alert's Beijing days, openness and keys alone (most hits) runs nothing.
CREATE TRIGGER alert_counters_insert AFTER INSERT ON alerts
BEGIN
  INSERT INTO alert_counters (organization_id, region_area, scan_area, day, rule, last_seen, open_last_seen, first_seen, open_first_seen)
  SELECT CASE WHEN o.own = 1 THEN p.organization_id ELSE '' END,
         CASE WHEN r.len = 0 THEN '' ELSE substr(p.region_code, 1, r.len) || substr('0000', 1, 6 - r.len) END,
         CASE WHEN s.len = 0 THEN '' ELSE substr(p.scan_region_code, 1, s.len) || substr('0000', 1, 6 - s.len) END,
         date(CASE WHEN e.is_first = 1 THEN p.first_at ELSE p.last_at END, '+8 hours'), p.rule,
         sum(CASE WHEN e.is_first = 0 THEN p.sign ELSE 0 END) AS d_last,
         sum(CASE WHEN e.is_first = 0 THEN p.sign * p.open ELSE 0 END) AS d_open_last,
         sum(CASE WHEN e.is_first = 1 THEN p.sign ELSE 0 END) AS d_first,
         sum(CASE WHEN e.is_first = 1 THEN p.sign * p.open ELSE 0 END) AS d_open_first
    FROM (SELECT NEW.rule AS rule, NEW.organization_id AS organization_id, NEW.region_code AS region_code, NEW.scan_region_code AS scan_region_code, NEW.first_seen_at AS first_at, NEW.last_seen_at AS last_at, NEW.status IN ('new', 'acknowledged', 'investigating') AS open, 1 AS sign) AS p
    JOIN (SELECT 0 AS is_first UNION ALL SELECT 1) AS e
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS r
      ON r.len = 0 OR (p.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (r.len = 2 OR substr(p.region_code, r.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS s
      ON s.len = 0 OR (p.scan_region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (s.len = 2 OR substr(p.scan_region_code, s.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS own UNION ALL SELECT 1) AS o
      ON o.own = 0 OR (p.organization_id IS NOT NULL AND r.len = 0 AND s.len = 0)
   WHERE true
   GROUP BY 1, 2, 3, 4, 5
  HAVING d_last != 0 OR d_open_last != 0 OR d_first != 0 OR d_open_first != 0
  ON CONFLICT (organization_id, region_area, scan_area, day, rule) DO UPDATE SET
    last_seen = last_seen + excluded.last_seen, open_last_seen = open_last_seen + excluded.open_last_seen,
    first_seen = first_seen + excluded.first_seen, open_first_seen = open_first_seen + excluded.open_first_seen;
END;--> statement-breakpoint
CREATE TRIGGER alert_counters_update AFTER UPDATE OF first_seen_at, last_seen_at, status, rule, organization_id, region_code, scan_region_code ON alerts
WHEN date(OLD.first_seen_at, '+8 hours') IS NOT date(NEW.first_seen_at, '+8 hours') OR date(OLD.last_seen_at, '+8 hours') IS NOT date(NEW.last_seen_at, '+8 hours') OR (OLD.status IN ('new', 'acknowledged', 'investigating')) IS NOT (NEW.status IN ('new', 'acknowledged', 'investigating')) OR OLD.rule IS NOT NEW.rule OR OLD.organization_id IS NOT NEW.organization_id OR OLD.region_code IS NOT NEW.region_code OR OLD.scan_region_code IS NOT NEW.scan_region_code
BEGIN
  INSERT INTO alert_counters (organization_id, region_area, scan_area, day, rule, last_seen, open_last_seen, first_seen, open_first_seen)
  SELECT CASE WHEN o.own = 1 THEN p.organization_id ELSE '' END,
         CASE WHEN r.len = 0 THEN '' ELSE substr(p.region_code, 1, r.len) || substr('0000', 1, 6 - r.len) END,
         CASE WHEN s.len = 0 THEN '' ELSE substr(p.scan_region_code, 1, s.len) || substr('0000', 1, 6 - s.len) END,
         date(CASE WHEN e.is_first = 1 THEN p.first_at ELSE p.last_at END, '+8 hours'), p.rule,
         sum(CASE WHEN e.is_first = 0 THEN p.sign ELSE 0 END) AS d_last,
         sum(CASE WHEN e.is_first = 0 THEN p.sign * p.open ELSE 0 END) AS d_open_last,
         sum(CASE WHEN e.is_first = 1 THEN p.sign ELSE 0 END) AS d_first,
         sum(CASE WHEN e.is_first = 1 THEN p.sign * p.open ELSE 0 END) AS d_open_first
    FROM (SELECT OLD.rule AS rule, OLD.organization_id AS organization_id, OLD.region_code AS region_code, OLD.scan_region_code AS scan_region_code, OLD.first_seen_at AS first_at, OLD.last_seen_at AS last_at, OLD.status IN ('new', 'acknowledged', 'investigating') AS open, -1 AS sign UNION ALL SELECT NEW.rule AS rule, NEW.organization_id AS organization_id, NEW.region_code AS region_code, NEW.scan_region_code AS scan_region_code, NEW.first_seen_at AS first_at, NEW.last_seen_at AS last_at, NEW.status IN ('new', 'acknowledged', 'investigating') AS open, 1 AS sign) AS p
    JOIN (SELECT 0 AS is_first UNION ALL SELECT 1) AS e
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS r
      ON r.len = 0 OR (p.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (r.len = 2 OR substr(p.region_code, r.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS s
      ON s.len = 0 OR (p.scan_region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (s.len = 2 OR substr(p.scan_region_code, s.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS own UNION ALL SELECT 1) AS o
      ON o.own = 0 OR (p.organization_id IS NOT NULL AND r.len = 0 AND s.len = 0)
   WHERE true
   GROUP BY 1, 2, 3, 4, 5
  HAVING d_last != 0 OR d_open_last != 0 OR d_first != 0 OR d_open_first != 0
  ON CONFLICT (organization_id, region_area, scan_area, day, rule) DO UPDATE SET
    last_seen = last_seen + excluded.last_seen, open_last_seen = open_last_seen + excluded.open_last_seen,
    first_seen = first_seen + excluded.first_seen, open_first_seen = open_first_seen + excluded.open_first_seen;
END;--> statement-breakpoint
CREATE TRIGGER alert_counters_delete AFTER DELETE ON alerts
BEGIN
  INSERT INTO alert_counters (organization_id, region_area, scan_area, day, rule, last_seen, open_last_seen, first_seen, open_first_seen)
  SELECT CASE WHEN o.own = 1 THEN p.organization_id ELSE '' END,
         CASE WHEN r.len = 0 THEN '' ELSE substr(p.region_code, 1, r.len) || substr('0000', 1, 6 - r.len) END,
         CASE WHEN s.len = 0 THEN '' ELSE substr(p.scan_region_code, 1, s.len) || substr('0000', 1, 6 - s.len) END,
         date(CASE WHEN e.is_first = 1 THEN p.first_at ELSE p.last_at END, '+8 hours'), p.rule,
         sum(CASE WHEN e.is_first = 0 THEN p.sign ELSE 0 END) AS d_last,
         sum(CASE WHEN e.is_first = 0 THEN p.sign * p.open ELSE 0 END) AS d_open_last,
         sum(CASE WHEN e.is_first = 1 THEN p.sign ELSE 0 END) AS d_first,
         sum(CASE WHEN e.is_first = 1 THEN p.sign * p.open ELSE 0 END) AS d_open_first
    FROM (SELECT OLD.rule AS rule, OLD.organization_id AS organization_id, OLD.region_code AS region_code, OLD.scan_region_code AS scan_region_code, OLD.first_seen_at AS first_at, OLD.last_seen_at AS last_at, OLD.status IN ('new', 'acknowledged', 'investigating') AS open, -1 AS sign) AS p
    JOIN (SELECT 0 AS is_first UNION ALL SELECT 1) AS e
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS r
      ON r.len = 0 OR (p.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (r.len = 2 OR substr(p.region_code, r.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) AS s
      ON s.len = 0 OR (p.scan_region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (s.len = 2 OR substr(p.scan_region_code, s.len - 1, 2) != '00'))
    JOIN (SELECT 0 AS own UNION ALL SELECT 1) AS o
      ON o.own = 0 OR (p.organization_id IS NOT NULL AND r.len = 0 AND s.len = 0)
   WHERE true
   GROUP BY 1, 2, 3, 4, 5
  HAVING d_last != 0 OR d_open_last != 0 OR d_first != 0 OR d_open_first != 0
  ON CONFLICT (organization_id, region_area, scan_area, day, rule) DO UPDATE SET
    last_seen = last_seen + excluded.last_seen, open_last_seen = open_last_seen + excluded.open_last_seen,
    first_seen = first_seen + excluded.first_seen, open_first_seen = open_first_seen + excluded.open_first_seen;
END;
