-- Grafana, Uptime Kuma and generic JSON webhooks open incidents too (issue 23).
ALTER TABLE incidents DROP CONSTRAINT incidents_source_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_source_check
  CHECK (source IN ('alertmanager', 'coroot', 'github', 'grafana', 'uptime-kuma', 'generic', 'manual'));
