CREATE TABLE "participation_campaign" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"title" text NOT NULL,
	"intro" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"categories" text[] NOT NULL,
	"category_labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"social_space_ids" uuid[] NOT NULL,
	"k" smallint DEFAULT 5 NOT NULL,
	"cell_meters" integer DEFAULT 250 NOT NULL,
	"opens_on" date NOT NULL,
	"closes_on" date NOT NULL,
	"retention_days" integer DEFAULT 90 NOT NULL,
	"points_deleted_at" timestamp with time zone,
	"published" jsonb,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "participation_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"referral_id" uuid,
	"via" text NOT NULL,
	"kind" text DEFAULT 'feedback' NOT NULL,
	"found" text,
	"understood" text,
	"helped" text,
	"comment" text DEFAULT '' NOT NULL,
	"language" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"flagged" boolean DEFAULT false NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"moderated_at" timestamp with time zone,
	CONSTRAINT "participation_feedback_referral_id_unique" UNIQUE("referral_id"),
	CONSTRAINT "participation_feedback_status_check" CHECK ("participation_feedback"."status" in ('pending', 'approved', 'rejected')),
	CONSTRAINT "participation_feedback_kind_check" CHECK ("participation_feedback"."kind" in ('feedback', 'closed', 'moved')),
	CONSTRAINT "participation_feedback_via_check" CHECK ("participation_feedback"."via" in ('page', 'slip'))
);
--> statement-breakpoint
CREATE TABLE "participation_point" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"social_space_id" uuid,
	"longitude" double precision,
	"latitude" double precision,
	"category" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"age_group" text,
	"new_since" text,
	"source" text DEFAULT 'web' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"flagged" boolean DEFAULT false NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participation_point_status_check" CHECK ("participation_point"."status" in ('pending', 'approved', 'rejected')),
	CONSTRAINT "participation_point_source_check" CHECK ("participation_point"."source" in ('web', 'bulk'))
);
--> statement-breakpoint
ALTER TABLE "participation_campaign" ADD CONSTRAINT "participation_campaign_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_feedback" ADD CONSTRAINT "participation_feedback_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_feedback" ADD CONSTRAINT "participation_feedback_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_point" ADD CONSTRAINT "participation_point_campaign_id_participation_campaign_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."participation_campaign"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_point" ADD CONSTRAINT "participation_point_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "participation_campaign_municipality_idx" ON "participation_campaign" USING btree ("municipality_id","closes_on");--> statement-breakpoint
CREATE INDEX "participation_feedback_service_idx" ON "participation_feedback" USING btree ("service_id","status");--> statement-breakpoint
CREATE INDEX "participation_feedback_queue_idx" ON "participation_feedback" USING btree ("municipality_id","status","created_at");--> statement-breakpoint
CREATE INDEX "participation_point_campaign_idx" ON "participation_point" USING btree ("campaign_id","status");