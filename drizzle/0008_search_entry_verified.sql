-- The coverage matrix (issue 5 §3) counts current and freshly verified offers per cell. With the
-- verification date beside the status in search_entry it reads one covering index instead of
-- joining 100,000 services (bench/coverage.ts). The trigger keeps the copy equal whatever writes
-- service (forms, imports, SQL); refreshSearchEntries copies it when it rebuilds an entry.
-- Written by hand after the generated ADD COLUMN: Drizzle has no triggers or INCLUDE clause.
ALTER TABLE "search_entry" ADD COLUMN "last_verified_at" timestamp with time zone;--> statement-breakpoint
UPDATE "search_entry" e SET "last_verified_at" = s."last_verified_at" FROM "service" s WHERE e."kind" = 'service' AND e."entity_id" = s."id";--> statement-breakpoint
CREATE OR REPLACE FUNCTION "search_entry_copy_verified"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE "search_entry" SET "last_verified_at" = NEW."last_verified_at"
	WHERE "kind" = 'service' AND "entity_id" = NEW."id" AND "last_verified_at" IS DISTINCT FROM NEW."last_verified_at";
	RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "service_verified_to_search_entry" AFTER UPDATE OF "last_verified_at" ON "service"
	FOR EACH ROW WHEN (OLD."last_verified_at" IS DISTINCT FROM NEW."last_verified_at") EXECUTE FUNCTION "search_entry_copy_verified"();--> statement-breakpoint
DROP INDEX IF EXISTS "search_entry_coverage_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_coverage_idx" ON "search_entry" ("municipality_id", "kind", "status") INCLUDE ("entity_id", "last_verified_at", "social_space_ids", "theme_fields", "target_groups", "languages");--> statement-breakpoint
DROP INDEX IF EXISTS "service_coverage_idx";
