CREATE TABLE "accompaniment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"step_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"appointment_at" timestamp with time zone NOT NULL,
	"place" text NOT NULL,
	"language" text NOT NULL,
	"volunteer_id" uuid,
	"status" text DEFAULT 'requested' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accompaniment_step_id_unique" UNIQUE("step_id"),
	CONSTRAINT "accompaniment_status_check" CHECK ("accompaniment"."status" in ('requested', 'assigned', 'done', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "case_consent" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"purposes" text[] NOT NULL,
	"data_categories" text[] NOT NULL,
	"partner_categories" text[] DEFAULT '{}' NOT NULL,
	"given_on" date NOT NULL,
	"explained_in" text NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" uuid,
	CONSTRAINT "case_consent_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "case_consent_purposes_check" CHECK (cardinality("case_consent"."purposes") > 0)
);
--> statement-breakpoint
CREATE TABLE "case_file" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"case_number" text NOT NULL,
	"display_name_enc" text,
	"language" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"delete_after" timestamp with time zone,
	"created_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_file_number_unique" UNIQUE("instance_id","case_number"),
	CONSTRAINT "case_file_status_check" CHECK ("case_file"."status" in ('open', 'closed', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "case_note" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"body_enc" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_read_purpose" (
	"session_id" text NOT NULL,
	"case_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"chosen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_read_purpose_session_id_case_id_pk" PRIMARY KEY("session_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "case_share" (
	"case_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"shared_by" uuid,
	"shared_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_share_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "case_step" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"follow_up_on" date,
	"topics" text[] DEFAULT '{}' NOT NULL,
	"contact_id" uuid,
	"referral_id" uuid,
	"note_enc" text,
	"done_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_step_kind_check" CHECK ("case_step"."kind" in ('contact', 'appointment', 'accompaniment', 'referral'))
);
--> statement-breakpoint
CREATE TABLE "casework_setting" (
	"municipality_id" uuid PRIMARY KEY NOT NULL,
	"contact_attributes" text[] DEFAULT '{age_band,household_type,new_arrival}' NOT NULL,
	"case_months_after_closure" integer DEFAULT 6 NOT NULL,
	"contact_detail_months" integer DEFAULT 1 NOT NULL,
	"referral_token_days" integer DEFAULT 90 NOT NULL,
	"referral_follow_up_days" integer DEFAULT 14 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "casework_setting_periods_check" CHECK ("casework_setting"."case_months_after_closure" between 0 and 120 and "casework_setting"."contact_detail_months" between 0 and 36 and "casework_setting"."referral_token_days" between 1 and 730 and "casework_setting"."referral_follow_up_days" between 1 and 365)
);
--> statement-breakpoint
CREATE TABLE "contact_aggregate" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"district_id" uuid,
	"month" date NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "contact_aggregate_count_check" CHECK ("contact_aggregate"."count" > 0)
);
--> statement-breakpoint
CREATE TABLE "counselling_contact" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"district_id" uuid,
	"social_space_id" uuid,
	"contacted_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"language" text NOT NULL,
	"interpreter_needed" boolean DEFAULT false NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"sub_topics" text[] DEFAULT '{}' NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unmet_topics" text[] DEFAULT '{}' NOT NULL,
	"case_id" uuid,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"district_id" uuid,
	"contact_id" uuid,
	"case_id" uuid,
	"service_id" uuid,
	"organization_id" uuid,
	"target_label" text NOT NULL,
	"topic" text NOT NULL,
	"token_hash" text,
	"reference_code" text,
	"shared_enc" text,
	"status" text DEFAULT 'issued' NOT NULL,
	"failure_reason" text,
	"appointment_at" timestamp with time zone,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"follow_up_done" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "referral_reference_code_unique" UNIQUE("reference_code"),
	CONSTRAINT "referral_status_check" CHECK ("referral"."status" in ('issued', 'received', 'appointment', 'helped', 'not_possible'))
);
--> statement-breakpoint
CREATE TABLE "referral_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"status" text NOT NULL,
	"failure_reason" text,
	"by_label" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accompaniment" ADD CONSTRAINT "accompaniment_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniment" ADD CONSTRAINT "accompaniment_step_id_case_step_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."case_step"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniment" ADD CONSTRAINT "accompaniment_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniment" ADD CONSTRAINT "accompaniment_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniment" ADD CONSTRAINT "accompaniment_volunteer_id_user_account_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_consent" ADD CONSTRAINT "case_consent_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_consent" ADD CONSTRAINT "case_consent_recorded_by_user_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_consent" ADD CONSTRAINT "case_consent_withdrawn_by_user_account_id_fk" FOREIGN KEY ("withdrawn_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_file" ADD CONSTRAINT "case_file_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_file" ADD CONSTRAINT "case_file_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_file" ADD CONSTRAINT "case_file_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_note" ADD CONSTRAINT "case_note_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_note" ADD CONSTRAINT "case_note_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_read_purpose" ADD CONSTRAINT "case_read_purpose_session_id_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_read_purpose" ADD CONSTRAINT "case_read_purpose_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_share" ADD CONSTRAINT "case_share_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_share" ADD CONSTRAINT "case_share_user_id_user_account_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user_account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_share" ADD CONSTRAINT "case_share_shared_by_user_account_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_step" ADD CONSTRAINT "case_step_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_step" ADD CONSTRAINT "case_step_contact_id_counselling_contact_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."counselling_contact"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_step" ADD CONSTRAINT "case_step_referral_id_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referral"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_step" ADD CONSTRAINT "case_step_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "casework_setting" ADD CONSTRAINT "casework_setting_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_aggregate" ADD CONSTRAINT "contact_aggregate_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_aggregate" ADD CONSTRAINT "contact_aggregate_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_aggregate" ADD CONSTRAINT "contact_aggregate_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_contact" ADD CONSTRAINT "counselling_contact_recorded_by_user_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_contact_id_counselling_contact_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."counselling_contact"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_event" ADD CONSTRAINT "referral_event_referral_id_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referral"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accompaniment_volunteer_idx" ON "accompaniment" USING btree ("volunteer_id","appointment_at");--> statement-breakpoint
CREATE INDEX "case_file_delete_after_idx" ON "case_file" USING btree ("delete_after");--> statement-breakpoint
CREATE INDEX "case_note_case_idx" ON "case_note" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "case_step_case_idx" ON "case_step" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "case_step_follow_up_idx" ON "case_step" USING btree ("follow_up_on");--> statement-breakpoint
CREATE INDEX "contact_aggregate_instance_idx" ON "contact_aggregate" USING btree ("instance_id","month");--> statement-breakpoint
CREATE INDEX "contact_aggregate_district_idx" ON "contact_aggregate" USING btree ("district_id","month");--> statement-breakpoint
CREATE INDEX "counselling_contact_instance_idx" ON "counselling_contact" USING btree ("instance_id","contacted_at");--> statement-breakpoint
CREATE INDEX "counselling_contact_district_idx" ON "counselling_contact" USING btree ("district_id","contacted_at");--> statement-breakpoint
CREATE INDEX "counselling_contact_municipality_idx" ON "counselling_contact" USING btree ("municipality_id","contacted_at");--> statement-breakpoint
CREATE INDEX "counselling_contact_case_idx" ON "counselling_contact" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "referral_instance_idx" ON "referral" USING btree ("instance_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_district_idx" ON "referral" USING btree ("district_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_case_idx" ON "referral" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "referral_contact_idx" ON "referral" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "referral_event_referral_idx" ON "referral_event" USING btree ("referral_id","at");