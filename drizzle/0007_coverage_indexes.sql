-- Covering indexes for the coverage matrix (issue 5 §3, bench/coverage.ts): its few set-based
-- queries read only these columns, so PostgreSQL answers them from the index. Written by hand
-- because Drizzle's index builder has no INCLUDE clause; both PGlite and PostgreSQL 15 run it.
CREATE INDEX IF NOT EXISTS "search_entry_coverage_idx" ON "search_entry" ("municipality_id", "kind") INCLUDE ("entity_id", "status", "social_space_ids", "theme_fields", "target_groups", "languages");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "service_coverage_idx" ON "service" ("municipality_id", "status") INCLUDE ("id", "last_verified_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "counselling_contact_unmet_idx" ON "counselling_contact" ("municipality_id", "contacted_at") INCLUDE ("social_space_id", "district_id", "unmet_topics") WHERE "unmet_topics" <> '{}';
