-- Search filtered by theme field, sub-topic or target group (issue 17 §4), like the place filters
-- of migration 0022: the search asks `theme_fields @> array[…]` (and so on) instead of testing
-- `= any(…)` on every entry of the municipality with its search document.
CREATE INDEX IF NOT EXISTS "search_entry_theme_fields_idx" ON "search_entry" USING gin ("theme_fields");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_subtopics_idx" ON "search_entry" USING gin ("subtopics");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_target_groups_idx" ON "search_entry" USING gin ("target_groups");
