CREATE INDEX "statistic_district_idx" ON "statistic" USING btree ("district_id");--> statement-breakpoint
CREATE INDEX "statistic_social_space_idx" ON "statistic" USING btree ("social_space_id");