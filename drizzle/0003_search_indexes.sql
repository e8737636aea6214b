-- Search entries (issue 3 §4): keep documents in the row and uncompressed up to a page — a
-- search reads each candidate's document several times, and TOAST fetches or decompression per
-- read dominated search time. Larger rows are still compressed (MAIN), never moved out first.
ALTER TABLE "search_entry" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
ALTER TABLE "search_entry" SET (toast_tuple_target = 8160);--> statement-breakpoint
-- Entries written before this migration get the marker lexemes that searches now rely on:
-- `@<municipality id>` and `#<message key>` of each vocabulary label (see search-index.ts).
-- Compound endings arrive with the entry's next write.
UPDATE "search_entry" e SET "document" = e."document" || (
	'''@' || e."municipality_id"::text || ''':1D' || (
		SELECT coalesce(string_agg(' ''#' || k || ''':1B', ''), '')
		FROM unnest(
			CASE WHEN e."kind" = 'service' THEN
				array(SELECT 'subtopic_' || x FROM unnest(e."subtopics") x)
				|| array(SELECT 'opt_theme_fields_' || x FROM unnest(e."theme_fields") x)
				|| array(SELECT 'opt_target_groups_' || x FROM unnest(e."target_groups") x)
			ELSE
				array(SELECT 'opt_theme_fields_' || x FROM unnest(e."theme_fields") x)
				|| array(SELECT 'actor_type_' || o."actor_type" FROM "organization" o WHERE o."id" = e."entity_id")
				|| array(SELECT 'osm_amenity_' || o."amenity" FROM "organization" o WHERE o."id" = e."entity_id" AND o."amenity" IS NOT NULL)
			END
		) k
	)
)::tsvector;
