CREATE TABLE "assessment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"instance_id" uuid NOT NULL,
	"catalogue_id" uuid NOT NULL,
	"year" smallint NOT NULL,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_instance_year_uq" UNIQUE("instance_id","catalogue_id","year")
);
--> statement-breakpoint
CREATE TABLE "assessment_answer" (
	"assessment_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"rating" smallint NOT NULL,
	"evidence" text DEFAULT '' NOT NULL,
	CONSTRAINT "assessment_answer_assessment_id_criterion_id_pk" PRIMARY KEY("assessment_id","criterion_id"),
	CONSTRAINT "assessment_answer_rating_check" CHECK ("assessment_answer"."rating" between 0 and 3)
);
--> statement-breakpoint
CREATE TABLE "assessment_catalogue" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"published_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_catalogue_version_uq" UNIQUE("municipality_id","version")
);
--> statement-breakpoint
CREATE TABLE "assessment_criterion" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"catalogue_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"task" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "assessment_criterion_code_uq" UNIQUE("catalogue_id","code")
);
--> statement-breakpoint
CREATE TABLE "coverage_setting" (
	"municipality_id" uuid PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "needs_report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid,
	"reported_by" uuid,
	"reference" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"theme_field" text NOT NULL,
	"subtopics" text[] DEFAULT '{}' NOT NULL,
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"urgency" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'reported' NOT NULL,
	"decline_reason" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"evidence_note" text DEFAULT '' NOT NULL,
	"attachment_name" text,
	"attachment_type" text,
	"attachment" "bytea",
	"first_response_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needs_report_reference_uq" UNIQUE("municipality_id","reference"),
	CONSTRAINT "needs_report_status_check" CHECK ("needs_report"."status" in ('reported', 'under_review', 'in_planning', 'implemented', 'declined')),
	CONSTRAINT "needs_report_urgency_check" CHECK ("needs_report"."urgency" in ('low', 'medium', 'high')),
	CONSTRAINT "needs_report_decline_check" CHECK ("needs_report"."status" <> 'declined' or "needs_report"."decline_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "needs_report_event" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"body" text DEFAULT '' NOT NULL,
	"target" text
);
--> statement-breakpoint
CREATE TABLE "needs_report_link" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"service_id" uuid,
	"programme_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needs_report_link_service_uq" UNIQUE("report_id","service_id"),
	CONSTRAINT "needs_report_link_programme_uq" UNIQUE("report_id","programme_id"),
	CONSTRAINT "needs_report_link_one_target" CHECK (("needs_report_link"."service_id" is null) <> ("needs_report_link"."programme_id" is null))
);
--> statement-breakpoint
CREATE TABLE "needs_report_space" (
	"report_id" uuid NOT NULL,
	"social_space_id" uuid NOT NULL,
	CONSTRAINT "needs_report_space_report_id_social_space_id_pk" PRIMARY KEY("report_id","social_space_id")
);
--> statement-breakpoint
CREATE TABLE "programme" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"funder_level" text NOT NULL,
	"funder_name" text DEFAULT '' NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"budget_cents" bigint,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"url" text DEFAULT '' NOT NULL,
	"contact_name" text DEFAULT '' NOT NULL,
	"contact_email" text DEFAULT '' NOT NULL,
	"contact_phone" text DEFAULT '' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_period_check" CHECK ("programme"."ends_on" is null or "programme"."ends_on" >= "programme"."starts_on"),
	CONSTRAINT "programme_budget_check" CHECK ("programme"."budget_cents" is null or "programme"."budget_cents" >= 0),
	CONSTRAINT "programme_funder_level_check" CHECK ("programme"."funder_level" in ('municipality', 'region', 'state', 'federal', 'eu', 'foundation', 'other'))
);
--> statement-breakpoint
CREATE TABLE "programme_deadline" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_service" (
	"programme_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	CONSTRAINT "programme_service_programme_id_service_id_pk" PRIMARY KEY("programme_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "programme_space" (
	"programme_id" uuid NOT NULL,
	"social_space_id" uuid NOT NULL,
	CONSTRAINT "programme_space_programme_id_social_space_id_pk" PRIMARY KEY("programme_id","social_space_id")
);
--> statement-breakpoint
ALTER TABLE "assessment" ADD CONSTRAINT "assessment_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment" ADD CONSTRAINT "assessment_catalogue_id_assessment_catalogue_id_fk" FOREIGN KEY ("catalogue_id") REFERENCES "public"."assessment_catalogue"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_answer" ADD CONSTRAINT "assessment_answer_assessment_id_assessment_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."assessment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_answer" ADD CONSTRAINT "assessment_answer_criterion_id_assessment_criterion_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."assessment_criterion"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_catalogue" ADD CONSTRAINT "assessment_catalogue_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_criterion" ADD CONSTRAINT "assessment_criterion_catalogue_id_assessment_catalogue_id_fk" FOREIGN KEY ("catalogue_id") REFERENCES "public"."assessment_catalogue"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage_setting" ADD CONSTRAINT "coverage_setting_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report" ADD CONSTRAINT "needs_report_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report" ADD CONSTRAINT "needs_report_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report" ADD CONSTRAINT "needs_report_reported_by_user_account_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_event" ADD CONSTRAINT "needs_report_event_report_id_needs_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."needs_report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_event" ADD CONSTRAINT "needs_report_event_actor_user_id_user_account_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_link" ADD CONSTRAINT "needs_report_link_report_id_needs_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."needs_report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_link" ADD CONSTRAINT "needs_report_link_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_link" ADD CONSTRAINT "needs_report_link_programme_id_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_space" ADD CONSTRAINT "needs_report_space_report_id_needs_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."needs_report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs_report_space" ADD CONSTRAINT "needs_report_space_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme" ADD CONSTRAINT "programme_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_deadline" ADD CONSTRAINT "programme_deadline_programme_id_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_service" ADD CONSTRAINT "programme_service_programme_id_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_service" ADD CONSTRAINT "programme_service_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_space" ADD CONSTRAINT "programme_space_programme_id_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_space" ADD CONSTRAINT "programme_space_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assessment_criterion_catalogue_idx" ON "assessment_criterion" USING btree ("catalogue_id","position");--> statement-breakpoint
CREATE INDEX "needs_report_municipality_idx" ON "needs_report" USING btree ("municipality_id","status","theme_field");--> statement-breakpoint
CREATE INDEX "needs_report_instance_idx" ON "needs_report" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "needs_report_event_report_idx" ON "needs_report_event" USING btree ("report_id","at");--> statement-breakpoint
CREATE INDEX "needs_report_link_service_idx" ON "needs_report_link" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "needs_report_link_programme_idx" ON "needs_report_link" USING btree ("programme_id");--> statement-breakpoint
CREATE INDEX "needs_report_space_space_idx" ON "needs_report_space" USING btree ("social_space_id");--> statement-breakpoint
CREATE INDEX "programme_municipality_idx" ON "programme" USING btree ("municipality_id");--> statement-breakpoint
CREATE INDEX "programme_deadline_due_idx" ON "programme_deadline" USING btree ("due_on");--> statement-breakpoint
CREATE INDEX "programme_service_service_idx" ON "programme_service" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "programme_space_space_idx" ON "programme_space" USING btree ("social_space_id");