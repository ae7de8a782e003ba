-- Custom SQL migration file, put your code below! --
-- Counts every stored scan and every rolled-up aggregate once into the counters by verdict.
-- Raw scans count on their Beijing day; aggregates were rolled up per UTC day
-- (scan_daily_aggregates.day), so their scans count on that day: the only place the back-fill
-- can differ from counting on write. Only scans of a batch have batch counters; a region counts
-- under each scope code that covers it (province, prefecture, county: scopeCodesOf).
INSERT INTO scan_day_counters (day, organization_id, region_code, genuine, warning, suspicious, counterfeit, recalled, invalid)
SELECT day, organization_id, region_code,
       sum(CASE WHEN verdict = 'genuine' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'warning' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'suspicious' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'counterfeit' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'recalled' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'invalid' THEN n ELSE 0 END)
  FROM (
  SELECT date(scanned_at, '+8 hours') AS day, coalesce(organization_id, '') AS organization_id,
         coalesce(batch_id, '') AS batch_id, coalesce(region_code, '') AS region_code, verdict,
         count(*) AS n
    FROM scans GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  SELECT a.day, coalesce(b.organization_id, ''), coalesce(l.batch_id, ''), a.region_code,
         a.verdict, sum(a.scans)
    FROM scan_daily_aggregates a
    LEFT JOIN labels l ON l.code = a.label_code
    LEFT JOIN batches b ON b.id = l.batch_id
    GROUP BY 1, 2, 3, 4, 5
)
 GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO scan_area_counters (area_code, day, organization_id, genuine, warning, suspicious, counterfeit, recalled, invalid)
SELECT substr(c.region_code, 1, levels.len) || substr('0000', 1, 6 - levels.len), c.day, c.organization_id, sum(c.genuine), sum(c.warning), sum(c.suspicious), sum(c.counterfeit), sum(c.recalled), sum(c.invalid)
  FROM scan_day_counters c
  JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6) AS levels
    ON c.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'
   AND (levels.len = 2 OR substr(c.region_code, levels.len - 1, 2) != '00')
 GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO scan_batch_counters (day, batch_id, organization_id, genuine, warning, suspicious, counterfeit, recalled, invalid)
SELECT day, batch_id, organization_id,
       sum(CASE WHEN verdict = 'genuine' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'warning' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'suspicious' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'counterfeit' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'recalled' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'invalid' THEN n ELSE 0 END)
  FROM (
  SELECT date(scanned_at, '+8 hours') AS day, coalesce(organization_id, '') AS organization_id,
         coalesce(batch_id, '') AS batch_id, coalesce(region_code, '') AS region_code, verdict,
         count(*) AS n
    FROM scans GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  SELECT a.day, coalesce(b.organization_id, ''), coalesce(l.batch_id, ''), a.region_code,
         a.verdict, sum(a.scans)
    FROM scan_daily_aggregates a
    LEFT JOIN labels l ON l.code = a.label_code
    LEFT JOIN batches b ON b.id = l.batch_id
    GROUP BY 1, 2, 3, 4, 5
)
 WHERE batch_id != ''
 GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO scan_batch_area_counters (area_code, day, batch_id, organization_id, genuine, warning, suspicious, counterfeit, recalled, invalid)
SELECT substr(u.region_code, 1, levels.len) || substr('0000', 1, 6 - levels.len), u.day, u.batch_id, u.organization_id,
       sum(CASE WHEN verdict = 'genuine' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'warning' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'suspicious' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'counterfeit' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'recalled' THEN n ELSE 0 END),
       sum(CASE WHEN verdict = 'invalid' THEN n ELSE 0 END)
  FROM (
  SELECT date(scanned_at, '+8 hours') AS day, coalesce(organization_id, '') AS organization_id,
         coalesce(batch_id, '') AS batch_id, coalesce(region_code, '') AS region_code, verdict,
         count(*) AS n
    FROM scans GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  SELECT a.day, coalesce(b.organization_id, ''), coalesce(l.batch_id, ''), a.region_code,
         a.verdict, sum(a.scans)
    FROM scan_daily_aggregates a
    LEFT JOIN labels l ON l.code = a.label_code
    LEFT JOIN batches b ON b.id = l.batch_id
    GROUP BY 1, 2, 3, 4, 5
) AS u
  JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6) AS levels
    ON u.region_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'
   AND (levels.len = 2 OR substr(u.region_code, levels.len - 1, 2) != '00')
 WHERE u.batch_id != ''
 GROUP BY 1, 2, 3;
