CREATE TABLE "contact_rollup" (
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"district_id" uuid,
	"month" date NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "contact_rollup_key" UNIQUE NULLS NOT DISTINCT("instance_id","month","dimension","value","district_id"),
	CONSTRAINT "contact_rollup_count_check" CHECK ("contact_rollup"."count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "group_work_session" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"district_id" uuid,
	"event_id" uuid NOT NULL,
	"session_day" date NOT NULL,
	"event_kind" text NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"participants" integer NOT NULL,
	"languages" integer DEFAULT 0 NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_work_session_uq" UNIQUE("event_id","session_day"),
	CONSTRAINT "group_work_session_participants_check" CHECK ("group_work_session"."participants" >= 0)
);
--> statement-breakpoint
CREATE TABLE "participation_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"needs_report_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"campaign_id" uuid,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participation_evidence_kind_check" CHECK ("participation_evidence"."kind" in ('campaign', 'feedback'))
);
--> statement-breakpoint
CREATE TABLE "participation_survey" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"title" jsonb NOT NULL,
	"intro" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"k" smallint DEFAULT 5 NOT NULL,
	"results_public" boolean DEFAULT false NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "participation_survey_status_check" CHECK ("participation_survey"."status" in ('draft', 'open', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "participation_survey_answer" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"response_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"choice" text,
	"text" text,
	"flagged" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "participation_survey_audience" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"audience" text NOT NULL,
	"token" text NOT NULL,
	CONSTRAINT "participation_survey_audience_token_unique" UNIQUE("token"),
	CONSTRAINT "participation_survey_audience_check" CHECK ("participation_survey_audience"."audience" in ('newcomers', 'professionals', 'volunteers'))
);
--> statement-breakpoint
CREATE TABLE "participation_survey_question" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"text" jsonb NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"social_space_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	CONSTRAINT "participation_survey_question_kind_check" CHECK ("participation_survey_question"."kind" in ('single', 'multiple', 'scale', 'text', 'map'))
);
--> statement-breakpoint
CREATE TABLE "participation_survey_response" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"audience" text NOT NULL,
	"language" text NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_rollup" ADD CONSTRAINT "contact_rollup_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_rollup" ADD CONSTRAINT "contact_rollup_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_work_session" ADD CONSTRAINT "group_work_session_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_work_session" ADD CONSTRAINT "group_work_session_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_work_session" ADD CONSTRAINT "group_work_session_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_evidence" ADD CONSTRAINT "participation_evidence_needs_report_id_needs_report_id_fk" FOREIGN KEY ("needs_report_id") REFERENCES "public"."needs_report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_evidence" ADD CONSTRAINT "participation_evidence_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_evidence" ADD CONSTRAINT "participation_evidence_campaign_id_participation_campaign_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."participation_campaign"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey" ADD CONSTRAINT "participation_survey_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_answer" ADD CONSTRAINT "participation_survey_answer_response_id_participation_survey_response_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."participation_survey_response"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_answer" ADD CONSTRAINT "participation_survey_answer_survey_id_participation_survey_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."participation_survey"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_answer" ADD CONSTRAINT "participation_survey_answer_question_id_participation_survey_question_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."participation_survey_question"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_audience" ADD CONSTRAINT "participation_survey_audience_survey_id_participation_survey_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."participation_survey"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_question" ADD CONSTRAINT "participation_survey_question_survey_id_participation_survey_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."participation_survey"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_survey_response" ADD CONSTRAINT "participation_survey_response_survey_id_participation_survey_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."participation_survey"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_rollup_municipality_idx" ON "contact_rollup" USING btree ("municipality_id","dimension","month","value","count");--> statement-breakpoint
CREATE INDEX "contact_rollup_district_idx" ON "contact_rollup" USING btree ("district_id","dimension","month","value","count");--> statement-breakpoint
CREATE INDEX "group_work_session_instance_idx" ON "group_work_session" USING btree ("instance_id","session_day");--> statement-breakpoint
CREATE INDEX "group_work_session_district_idx" ON "group_work_session" USING btree ("district_id","session_day");--> statement-breakpoint
CREATE INDEX "group_work_session_municipality_idx" ON "group_work_session" USING btree ("municipality_id","session_day");--> statement-breakpoint
CREATE INDEX "participation_evidence_report_idx" ON "participation_evidence" USING btree ("needs_report_id","created_at");--> statement-breakpoint
CREATE INDEX "participation_survey_municipality_idx" ON "participation_survey" USING btree ("municipality_id","created_at");--> statement-breakpoint
CREATE INDEX "participation_survey_answer_result_idx" ON "participation_survey_answer" USING btree ("survey_id","question_id","choice");--> statement-breakpoint
CREATE INDEX "participation_survey_audience_survey_idx" ON "participation_survey_audience" USING btree ("survey_id");--> statement-breakpoint
CREATE INDEX "participation_survey_question_survey_idx" ON "participation_survey_question" USING btree ("survey_id","position");--> statement-breakpoint
CREATE INDEX "participation_survey_response_survey_idx" ON "participation_survey_response" USING btree ("survey_id","audience");--> statement-breakpoint
CREATE INDEX "service_municipality_created_idx" ON "service" USING btree ("municipality_id","created_at","id","theme_fields");--> statement-breakpoint
CREATE INDEX "contact_aggregate_municipality_idx" ON "contact_aggregate" USING btree ("municipality_id","month");--> statement-breakpoint
CREATE INDEX "referral_municipality_idx" ON "referral" USING btree ("municipality_id","created_at");