-- Search filtered by a social space or district (issue 17 §4): the filter was tested on every
-- entry of the municipality, each row with its search document, so at the largest generated
-- municipality (63,649 entries) "everything in one Sozialraum" (551 entries) read 38,800 pages.
-- The search now asks `social_space_ids @> array[…]` / `district_ids @> array[…]`, which these
-- indexes answer.
CREATE INDEX IF NOT EXISTS "search_entry_social_spaces_idx" ON "search_entry" USING gin ("social_space_ids");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_districts_idx" ON "search_entry" USING gin ("district_ids");
