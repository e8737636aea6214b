CREATE TABLE "volunteer_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"key" text NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requirements" text[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "volunteer_activity_key" UNIQUE("municipality_id","key")
);
--> statement-breakpoint
CREATE TABLE "volunteer_assignment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shift_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"invitation_id" uuid,
	"status" text NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "volunteer_assignment_shift_profile" UNIQUE("shift_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_availability" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"rrule" text,
	"weekdays" integer[] DEFAULT '{}' NOT NULL,
	"interval_weeks" integer DEFAULT 1 NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	CONSTRAINT "volunteer_availability_kind" CHECK ("volunteer_availability"."kind" in ('weekly', 'date'))
);
--> statement-breakpoint
CREATE TABLE "volunteer_check" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"training" text DEFAULT '' NOT NULL,
	"inspected_on" date NOT NULL,
	"issued_on" date,
	"no_catalogue_offence" boolean,
	"valid_until" date,
	"lapse_reminder_at" timestamp with time zone,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "volunteer_check_kind" UNIQUE("profile_id","kind","training")
);
--> statement-breakpoint
CREATE TABLE "volunteer_consent" (
	"profile_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"given_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "volunteer_consent_profile_id_purpose_pk" PRIMARY KEY("profile_id","purpose")
);
--> statement-breakpoint
CREATE TABLE "volunteer_hours" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid,
	"assignment_id" uuid,
	"worked_on" date NOT NULL,
	"minutes" integer NOT NULL,
	"activity" text NOT NULL,
	"organisation" text NOT NULL,
	"status" text NOT NULL,
	"logged_by" uuid,
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "volunteer_hours_minutes" CHECK ("volunteer_hours"."minutes" between 1 and 1440)
);
--> statement-breakpoint
CREATE TABLE "volunteer_invitation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"need_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"status" text NOT NULL,
	"self_signup" boolean DEFAULT false NOT NULL,
	"invited_by" uuid,
	"invited_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone,
	"follow_up_at" timestamp with time zone,
	CONSTRAINT "volunteer_invitation_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "volunteer_invitation_need_profile" UNIQUE("need_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_language" (
	"profile_id" uuid NOT NULL,
	"language" text NOT NULL,
	"level" text NOT NULL,
	CONSTRAINT "volunteer_language_profile_id_language_pk" PRIMARY KEY("profile_id","language")
);
--> statement-breakpoint
CREATE TABLE "volunteer_need" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid,
	"activity" text NOT NULL,
	"social_space_id" uuid,
	"place_id" uuid,
	"place_text" text DEFAULT '' NOT NULL,
	"language" text,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"rrule" text,
	"slots" integer NOT NULL,
	"requirements" text[] DEFAULT '{}' NOT NULL,
	"self_signup" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"source" text DEFAULT 'staff' NOT NULL,
	"source_ref" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"filled_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	CONSTRAINT "volunteer_need_source_ref_unique" UNIQUE("source_ref")
);
--> statement-breakpoint
CREATE TABLE "volunteer_place" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid,
	"social_space_id" uuid,
	"name" text NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"requirements" text[] DEFAULT '{}' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_profile" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"instance_id" uuid,
	"activities" text[] DEFAULT '{}' NOT NULL,
	"cap_hours_per_month" integer,
	"message_locale" text NOT NULL,
	"paused_from" date,
	"paused_until" date,
	"count_in_statistics" boolean DEFAULT true NOT NULL,
	"calendar_token_hash" text,
	"last_activity_at" timestamp with time zone NOT NULL,
	"retention_notice_at" timestamp with time zone,
	"first_follow_up_at" timestamp with time zone,
	"return_reminder_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "volunteer_profile_user_id_unique" UNIQUE("user_id"),
	CONSTRAINT "volunteer_profile_calendar_token_hash_unique" UNIQUE("calendar_token_hash")
);
--> statement-breakpoint
CREATE TABLE "volunteer_recognition" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"on" date NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_registration" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "volunteer_registration_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "volunteer_setting" (
	"municipality_id" uuid PRIMARY KEY NOT NULL,
	"values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_shift" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"need_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"slots" integer NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_space" (
	"profile_id" uuid NOT NULL,
	"social_space_id" uuid NOT NULL,
	CONSTRAINT "volunteer_space_profile_id_social_space_id_pk" PRIMARY KEY("profile_id","social_space_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_task_confirmation" (
	"profile_id" uuid NOT NULL,
	"task_profile_id" uuid NOT NULL,
	"confirmed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "volunteer_task_confirmation_profile_id_task_profile_id_pk" PRIMARY KEY("profile_id","task_profile_id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_task_profile" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"volunteer_tasks" text NOT NULL,
	"staff_tasks" text NOT NULL,
	"supervision" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" uuid,
	CONSTRAINT "volunteer_task_profile_version" UNIQUE("instance_id","version")
);
--> statement-breakpoint
ALTER TABLE "volunteer_activity" ADD CONSTRAINT "volunteer_activity_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_assignment" ADD CONSTRAINT "volunteer_assignment_shift_id_volunteer_shift_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."volunteer_shift"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_assignment" ADD CONSTRAINT "volunteer_assignment_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_assignment" ADD CONSTRAINT "volunteer_assignment_invitation_id_volunteer_invitation_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."volunteer_invitation"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_availability" ADD CONSTRAINT "volunteer_availability_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_check" ADD CONSTRAINT "volunteer_check_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_check" ADD CONSTRAINT "volunteer_check_recorded_by_user_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_consent" ADD CONSTRAINT "volunteer_consent_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_assignment_id_volunteer_assignment_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."volunteer_assignment"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_logged_by_user_account_id_fk" FOREIGN KEY ("logged_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_hours" ADD CONSTRAINT "volunteer_hours_confirmed_by_user_account_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_invitation" ADD CONSTRAINT "volunteer_invitation_need_id_volunteer_need_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."volunteer_need"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_invitation" ADD CONSTRAINT "volunteer_invitation_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_invitation" ADD CONSTRAINT "volunteer_invitation_invited_by_user_account_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_language" ADD CONSTRAINT "volunteer_language_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_need" ADD CONSTRAINT "volunteer_need_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_need" ADD CONSTRAINT "volunteer_need_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_need" ADD CONSTRAINT "volunteer_need_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_need" ADD CONSTRAINT "volunteer_need_place_id_volunteer_place_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."volunteer_place"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_need" ADD CONSTRAINT "volunteer_need_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_place" ADD CONSTRAINT "volunteer_place_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_place" ADD CONSTRAINT "volunteer_place_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_place" ADD CONSTRAINT "volunteer_place_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_user_id_user_account_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user_account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_profile" ADD CONSTRAINT "volunteer_profile_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_recognition" ADD CONSTRAINT "volunteer_recognition_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_recognition" ADD CONSTRAINT "volunteer_recognition_recorded_by_user_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_registration" ADD CONSTRAINT "volunteer_registration_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_registration" ADD CONSTRAINT "volunteer_registration_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_setting" ADD CONSTRAINT "volunteer_setting_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_shift" ADD CONSTRAINT "volunteer_shift_need_id_volunteer_need_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."volunteer_need"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_shift" ADD CONSTRAINT "volunteer_shift_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_space" ADD CONSTRAINT "volunteer_space_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_space" ADD CONSTRAINT "volunteer_space_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_task_confirmation" ADD CONSTRAINT "volunteer_task_confirmation_profile_id_volunteer_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."volunteer_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_task_confirmation" ADD CONSTRAINT "volunteer_task_confirmation_task_profile_id_volunteer_task_profile_id_fk" FOREIGN KEY ("task_profile_id") REFERENCES "public"."volunteer_task_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_task_profile" ADD CONSTRAINT "volunteer_task_profile_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_task_profile" ADD CONSTRAINT "volunteer_task_profile_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_task_profile" ADD CONSTRAINT "volunteer_task_profile_published_by_user_account_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "volunteer_assignment_profile_idx" ON "volunteer_assignment" USING btree ("profile_id","status");--> statement-breakpoint
CREATE INDEX "volunteer_assignment_due_idx" ON "volunteer_assignment" USING btree ("shift_id") WHERE "volunteer_assignment"."status" = 'confirmed' and "volunteer_assignment"."reminder_sent_at" is null;--> statement-breakpoint
CREATE INDEX "volunteer_availability_profile_idx" ON "volunteer_availability" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "volunteer_hours_profile_idx" ON "volunteer_hours" USING btree ("profile_id","worked_on");--> statement-breakpoint
CREATE INDEX "volunteer_hours_municipality_idx" ON "volunteer_hours" USING btree ("municipality_id","status");--> statement-breakpoint
CREATE INDEX "volunteer_invitation_profile_idx" ON "volunteer_invitation" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "volunteer_language_language_idx" ON "volunteer_language" USING btree ("language");--> statement-breakpoint
CREATE INDEX "volunteer_need_municipality_idx" ON "volunteer_need" USING btree ("municipality_id","status");--> statement-breakpoint
CREATE INDEX "volunteer_place_municipality_idx" ON "volunteer_place" USING btree ("municipality_id");--> statement-breakpoint
CREATE INDEX "volunteer_profile_municipality_idx" ON "volunteer_profile" USING btree ("municipality_id");--> statement-breakpoint
CREATE INDEX "volunteer_profile_activities_idx" ON "volunteer_profile" USING gin ("activities");--> statement-breakpoint
CREATE INDEX "volunteer_shift_need_idx" ON "volunteer_shift" USING btree ("need_id");--> statement-breakpoint
CREATE INDEX "volunteer_shift_starts_idx" ON "volunteer_shift" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "volunteer_space_space_idx" ON "volunteer_space" USING btree ("social_space_id");