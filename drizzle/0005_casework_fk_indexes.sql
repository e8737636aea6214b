CREATE INDEX "accompaniment_case_idx" ON "accompaniment" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_step_contact_idx" ON "case_step" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "case_step_referral_idx" ON "case_step" USING btree ("referral_id");