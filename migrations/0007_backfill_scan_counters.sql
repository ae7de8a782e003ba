-- Custom SQL migration file, put your code below! --
-- Counts every stored scan and every rolled-up aggregate once. Raw scans count on their
-- Beijing day; aggregates were rolled up per UTC day (scan_daily_aggregates.day), so their
-- scans count on that day: the only place the back-fill can differ from counting on write.
INSERT INTO scan_counters (day, organization_id, batch_id, region_code, verdict, scans)
SELECT day, organization_id, batch_id, region_code, verdict, sum(n) FROM (
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
) GROUP BY 1, 2, 3, 4, 5;
