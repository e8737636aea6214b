CREATE TABLE "hosting_attendance" (
	"event_id" uuid NOT NULL,
	"session_day" date NOT NULL,
	"count" integer NOT NULL,
	"registration_ids" uuid[] DEFAULT '{}' NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hosting_attendance_uq" UNIQUE("event_id","session_day")
);
--> statement-breakpoint
CREATE TABLE "hosting_booking" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"provider_organization_id" uuid,
	"service_id" uuid,
	"requested_by" uuid,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"reject_reason" text DEFAULT '' NOT NULL,
	"contact_email" text DEFAULT '' NOT NULL,
	"contact_locale" text DEFAULT 'de' NOT NULL,
	"first_day" date NOT NULL,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	"rrule" text,
	"last_day" date NOT NULL,
	"exdates" date[] DEFAULT '{}' NOT NULL,
	"rdates" date[] DEFAULT '{}' NOT NULL,
	"skipped_dates" date[] DEFAULT '{}' NOT NULL,
	"published_schedule_ids" uuid[] DEFAULT '{}' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hosting_event" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"free" boolean DEFAULT true NOT NULL,
	"capacity" integer,
	"registration_open" boolean DEFAULT true NOT NULL,
	"attendance_by_name" boolean DEFAULT false NOT NULL,
	"host_volunteer_ids" uuid[] DEFAULT '{}' NOT NULL,
	"retention_days" integer DEFAULT 30 NOT NULL,
	"personal_data_erased_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hosting_registration" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"email" text,
	"phone" text,
	"status" text NOT NULL,
	"token_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"erased_at" timestamp with time zone,
	"reminded_day" date,
	CONSTRAINT "hosting_registration_token_uq" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "hosting_room" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"location_id" uuid,
	"name" text NOT NULL,
	"capacity" integer NOT NULL,
	"accessibility" text[] DEFAULT '{}' NOT NULL,
	"equipment" text[] DEFAULT '{}' NOT NULL,
	"bookable_hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_advance_days" integer DEFAULT 365 NOT NULL,
	"listing" text DEFAULT 'public' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hosting_attendance" ADD CONSTRAINT "hosting_attendance_event_id_hosting_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."hosting_event"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_room_id_hosting_room_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."hosting_room"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_provider_organization_id_organization_id_fk" FOREIGN KEY ("provider_organization_id") REFERENCES "public"."organization"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_service_id_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."service"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_requested_by_user_account_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_booking" ADD CONSTRAINT "hosting_booking_decided_by_user_account_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_event" ADD CONSTRAINT "hosting_event_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_event" ADD CONSTRAINT "hosting_event_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_event" ADD CONSTRAINT "hosting_event_booking_id_hosting_booking_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."hosting_booking"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_registration" ADD CONSTRAINT "hosting_registration_event_id_hosting_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."hosting_event"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_room" ADD CONSTRAINT "hosting_room_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_room" ADD CONSTRAINT "hosting_room_instance_id_instance_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosting_room" ADD CONSTRAINT "hosting_room_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hosting_booking_room_idx" ON "hosting_booking" USING btree ("room_id","status","last_day");--> statement-breakpoint
CREATE INDEX "hosting_booking_municipality_idx" ON "hosting_booking" USING btree ("municipality_id","status");--> statement-breakpoint
CREATE INDEX "hosting_event_instance_idx" ON "hosting_event" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "hosting_registration_event_idx" ON "hosting_registration" USING btree ("event_id","status","created_at");--> statement-breakpoint
CREATE INDEX "hosting_room_instance_idx" ON "hosting_room" USING btree ("instance_id");