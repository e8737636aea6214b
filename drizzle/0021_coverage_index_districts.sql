-- The city dashboard's offer figures count current offers per district (issue 17 §4): with
-- "district_ids" beside "social_space_ids" in the covering index those counts read the index
-- alone instead of the entries' rows (each with its search document). At the largest generated
-- municipality (57,862 offers, bench/nrw.ts, PostgreSQL 15) the offer figures went from p95 289
-- to 194 ms and the year's dashboard from p95 334 to 269 ms. Written by hand: Drizzle has no
-- INCLUDE clause.
DROP INDEX IF EXISTS "search_entry_coverage_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_coverage_idx" ON "search_entry" ("municipality_id", "kind", "status") INCLUDE ("entity_id", "last_verified_at", "social_space_ids", "district_ids", "theme_fields", "target_groups", "languages");
