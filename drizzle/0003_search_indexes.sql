ALTER TABLE "search_entry" ADD COLUMN "labels" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX "search_entry_labels_idx" ON "search_entry" USING gin ("labels");--> statement-breakpoint
-- Keep documents in the row (compressed if need be) instead of the TOAST table: a search reads
-- each candidate's document several times, and a TOAST fetch per read dominated search time.
ALTER TABLE "search_entry" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
UPDATE "search_entry" e SET "labels" =
	array(SELECT 'subtopic_' || x FROM unnest(e."subtopics") x)
	|| array(SELECT 'opt_theme_fields_' || x FROM unnest(e."theme_fields") x)
	|| array(SELECT 'opt_target_groups_' || x FROM unnest(e."target_groups") x)
WHERE e."kind" = 'service';--> statement-breakpoint
UPDATE "search_entry" e SET "labels" =
	array['actor_type_' || o."actor_type"]
	|| array(SELECT 'osm_amenity_' || o."amenity" WHERE o."amenity" IS NOT NULL)
	|| array(SELECT 'opt_theme_fields_' || x FROM unnest(e."theme_fields") x)
FROM "organization" o
WHERE e."kind" = 'organization' AND o."id" = e."entity_id";
