DROP INDEX "volunteer_language_language_idx";--> statement-breakpoint
CREATE INDEX "volunteer_language_primary_idx" ON "volunteer_language" USING btree (split_part("language", '-', 1));