CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "change_proposal" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"proposed_by" uuid,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory_setting" (
	"municipality_id" uuid PRIMARY KEY NOT NULL,
	"freshness_days" integer DEFAULT 365 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "location" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"organization_id" uuid,
	"name" text DEFAULT '' NOT NULL,
	"street" text DEFAULT '' NOT NULL,
	"postal_code" text DEFAULT '' NOT NULL,
	"city" text DEFAULT '' NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"social_space_id" uuid,
	"accessibility" text[] DEFAULT '{}' NOT NULL,
	"accessibility_note" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"directions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hsds_extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"name" text NOT NULL,
	"alternate_names" text[] DEFAULT '{}' NOT NULL,
	"description" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_type" text DEFAULT 'other' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"website" text DEFAULT '' NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"instance_id" uuid,
	"source" text DEFAULT 'manual' NOT NULL,
	"source_id" text,
	"attribution" text,
	"amenity" text,
	"hsds_extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"last_verified_at" timestamp with time zone,
	"last_verified_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_source_uq" UNIQUE("municipality_id","source","source_id")
);
--> statement-breakpoint
CREATE TABLE "organization_social_space" (
	"organization_id" uuid NOT NULL,
	"social_space_id" uuid NOT NULL,
	CONSTRAINT "organization_social_space_organization_id_social_space_id_pk" PRIMARY KEY("organization_id","social_space_id")
);
--> statement-breakpoint
CREATE TABLE "schedule" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"location_id" uuid,
	"weekday" smallint NOT NULL,
	"opens_at" text NOT NULL,
	"closes_at" text NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"appointment_only" boolean DEFAULT false NOT NULL,
	"note" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hsds_extra" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_entry" (
	"kind" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"visibility" text NOT NULL,
	"title" jsonb NOT NULL,
	"organization_name" text NOT NULL,
	"document" "tsvector" NOT NULL,
	"words" text NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"subtopics" text[] DEFAULT '{}' NOT NULL,
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"social_space_ids" uuid[] DEFAULT '{}' NOT NULL,
	"district_ids" uuid[] DEFAULT '{}' NOT NULL,
	"cost_kind" text,
	"low_threshold" boolean DEFAULT false NOT NULL,
	"step_free" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"minimum_age" smallint,
	"maximum_age" smallint,
	"latitude" double precision,
	"longitude" double precision,
	"opening_slots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "search_entry_kind_entity_id_pk" PRIMARY KEY("kind","entity_id")
);
--> statement-breakpoint
CREATE TABLE "search_word" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"instance_id" uuid,
	"name" jsonb NOT NULL,
	"description" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"subtopics" text[] DEFAULT '{}' NOT NULL,
	"dimensions_override" text[],
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"minimum_age" smallint,
	"maximum_age" smallint,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"cost_kind" text DEFAULT 'free' NOT NULL,
	"cost_amount_cents" integer,
	"cost_note" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"low_threshold" boolean DEFAULT false NOT NULL,
	"access_requirements" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"required_documents" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"eligibility" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"url" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"contact_name" text DEFAULT '' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"source_id" text,
	"hsds_extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"last_verified_at" timestamp with time zone,
	"last_verified_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_at_location" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"location_id" uuid NOT NULL,
	"hsds_extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "service_at_location_uq" UNIQUE("service_id","location_id")
);
--> statement-breakpoint
CREATE TABLE "verification_link" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"municipality_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"created_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_proposal" ADD CONSTRAINT "change_proposal_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_proposal" ADD CONSTRAINT "change_proposal_proposed_by_user_account_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_proposal" ADD CONSTRAINT "change_proposal_reviewed_by_user_account_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_setting" ADD CONSTRAINT "directory_setting_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location" ADD CONSTRAINT "location_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location" ADD CONSTRAINT "location_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location" ADD CONSTRAINT "location_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_social_space" ADD CONSTRAINT "organization_social_space_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_social_space" ADD CONSTRAINT "organization_social_space_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule" ADD CONSTRAINT "schedule_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule" ADD CONSTRAINT "schedule_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service" ADD CONSTRAINT "service_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service" ADD CONSTRAINT "service_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service" ADD CONSTRAINT "service_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_at_location" ADD CONSTRAINT "service_at_location_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_at_location" ADD CONSTRAINT "service_at_location_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_link" ADD CONSTRAINT "verification_link_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_link" ADD CONSTRAINT "verification_link_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_proposal_status_idx" ON "change_proposal" USING btree ("municipality_id","status");--> statement-breakpoint
CREATE INDEX "location_organization_idx" ON "location" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "location_space_idx" ON "location" USING btree ("social_space_id");--> statement-breakpoint
CREATE INDEX "organization_municipality_idx" ON "organization" USING btree ("municipality_id","visibility");--> statement-breakpoint
CREATE INDEX "organization_social_space_space_idx" ON "organization_social_space" USING btree ("social_space_id");--> statement-breakpoint
CREATE INDEX "schedule_service_idx" ON "schedule" USING btree ("service_id","weekday");--> statement-breakpoint
CREATE INDEX "search_entry_document_idx" ON "search_entry" USING gin ("document");--> statement-breakpoint
CREATE INDEX "search_entry_municipality_idx" ON "search_entry" USING btree ("municipality_id","visibility","kind");--> statement-breakpoint
CREATE INDEX "search_word_trgm_idx" ON "search_word" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "service_organization_idx" ON "service" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "service_municipality_idx" ON "service" USING btree ("municipality_id","visibility");--> statement-breakpoint
CREATE INDEX "service_instance_idx" ON "service" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "service_at_location_location_idx" ON "service_at_location" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "verification_link_entity_idx" ON "verification_link" USING btree ("entity_type","entity_id");