CREATE TABLE "action_item" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"network_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"agenda_item_id" uuid,
	"title" text NOT NULL,
	"owner_membership_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actor_relation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"from_organization_id" uuid NOT NULL,
	"to_organization_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"note" text DEFAULT '' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actor_relation_kind_check" CHECK ("actor_relation"."kind" in ('cooperates', 'member_of', 'funds', 'hosts_offers', 'refers_to')),
	CONSTRAINT "actor_relation_self_check" CHECK ("actor_relation"."from_organization_id" <> "actor_relation"."to_organization_id")
);
--> statement-breakpoint
CREATE TABLE "agenda_item" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'proposed' NOT NULL,
	"proposed_by_user_id" uuid,
	"proposed_by_network_id" uuid,
	"minutes" text DEFAULT '' NOT NULL,
	"named_membership_ids" uuid[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agenda_item_state_check" CHECK ("agenda_item"."state" in ('proposed', 'accepted', 'declined'))
);
--> statement-breakpoint
CREATE TABLE "attendance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"organization_id" uuid,
	"membership_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_org_uq" UNIQUE("meeting_id","organization_id"),
	CONSTRAINT "attendance_member_uq" UNIQUE("meeting_id","membership_id"),
	CONSTRAINT "attendance_who_check" CHECK (num_nonnulls("attendance"."organization_id", "attendance"."membership_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "decision" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agenda_item_id" uuid NOT NULL,
	"text" text NOT NULL,
	"result" text NOT NULL,
	"votes_for" integer,
	"votes_against" integer,
	"votes_abstain" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "decision_result_check" CHECK ("decision"."result" in ('adopted', 'rejected', 'deferred', 'noted'))
);
--> statement-breakpoint
CREATE TABLE "digest_subscription" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"user_id" uuid,
	"membership_id" uuid,
	"interval_days" integer NOT NULL,
	"language" text NOT NULL,
	"unsubscribe_token" text NOT NULL,
	"last_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digest_subscription_unsubscribe_token_unique" UNIQUE("unsubscribe_token"),
	CONSTRAINT "digest_subscription_user_uq" UNIQUE("user_id"),
	CONSTRAINT "digest_subscription_member_uq" UNIQUE("membership_id"),
	CONSTRAINT "digest_subscription_who_check" CHECK (num_nonnulls("digest_subscription"."user_id", "digest_subscription"."membership_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "escalation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"network_id" uuid NOT NULL,
	"agenda_item_id" uuid,
	"decision_id" uuid,
	"kind" text NOT NULL,
	"needs_report_id" uuid,
	"target_network_id" uuid,
	"target_agenda_item_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalation_kind_check" CHECK ("escalation"."kind" in ('agenda_proposal', 'needs_report'))
);
--> statement-breakpoint
CREATE TABLE "meeting" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"network_id" uuid NOT NULL,
	"series_id" uuid,
	"name" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"location_id" uuid,
	"place_text" text DEFAULT '' NOT NULL,
	"proposal_deadline" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'planned' NOT NULL,
	"minutes_state" text DEFAULT 'draft' NOT NULL,
	"minutes_version" integer DEFAULT 1 NOT NULL,
	"invited_at" timestamp with time zone,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_time_check" CHECK ("meeting"."ends_at" > "meeting"."starts_at"),
	CONSTRAINT "meeting_state_check" CHECK ("meeting"."state" in ('planned', 'held', 'cancelled')),
	CONSTRAINT "meeting_minutes_check" CHECK ("meeting"."minutes_state" in ('draft', 'circulated', 'approved'))
);
--> statement-breakpoint
CREATE TABLE "meeting_series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"network_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "minutes_version" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"approved_at" timestamp with time zone NOT NULL,
	"approved_by" uuid,
	CONSTRAINT "minutes_version_uq" UNIQUE("meeting_id","version")
);
--> statement-breakpoint
CREATE TABLE "network" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"name" text NOT NULL,
	"short_name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"level" text NOT NULL,
	"occasion" text DEFAULT '' NOT NULL,
	"ends_on" date,
	"coordinating_instance_id" uuid,
	"theme_fields" text[] DEFAULT '{}' NOT NULL,
	"visibility" text DEFAULT 'network' NOT NULL,
	"dissolved_on" date,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_kind_check" CHECK ("network"."kind" in ('network', 'round_table', 'working_circle', 'temporary_group', 'committee', 'district_conference')),
	CONSTRAINT "network_level_check" CHECK ("network"."level" in ('local', 'city', 'region', 'state', 'federal')),
	CONSTRAINT "network_visibility_check" CHECK ("network"."visibility" in ('public', 'network', 'internal')),
	CONSTRAINT "network_temporary_check" CHECK ("network"."kind" <> 'temporary_group' or "network"."ends_on" is not null)
);
--> statement-breakpoint
CREATE TABLE "network_membership" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"network_id" uuid NOT NULL,
	"organization_id" uuid,
	"user_id" uuid,
	"person_name" text,
	"person_email" text,
	"consent_on" date,
	"publication_consent" boolean DEFAULT false NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_membership_who_check" CHECK (num_nonnulls("network_membership"."organization_id", "network_membership"."user_id", "network_membership"."person_name") = 1),
	CONSTRAINT "network_membership_consent_check" CHECK ("network_membership"."person_name" is null or "network_membership"."consent_on" is not null),
	CONSTRAINT "network_membership_role_check" CHECK ("network_membership"."role" in ('chair', 'coordinator', 'member', 'guest')),
	CONSTRAINT "network_membership_dates_check" CHECK ("network_membership"."ends_on" is null or "network_membership"."ends_on" >= "network_membership"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "network_parent" (
	"network_id" uuid NOT NULL,
	"parent_id" uuid NOT NULL,
	CONSTRAINT "network_parent_network_id_parent_id_pk" PRIMARY KEY("network_id","parent_id"),
	CONSTRAINT "network_parent_self_check" CHECK ("network_parent"."network_id" <> "network_parent"."parent_id")
);
--> statement-breakpoint
CREATE TABLE "network_post" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"author_user_id" uuid,
	"from_instance_id" uuid,
	"direction" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"language" text DEFAULT 'de' NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"network_ids" uuid[] DEFAULT '{}' NOT NULL,
	"social_space_ids" uuid[] DEFAULT '{}' NOT NULL,
	"roles" text[] DEFAULT '{}' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_post_direction_check" CHECK ("network_post"."direction" in ('down', 'up', 'sideways'))
);
--> statement-breakpoint
CREATE TABLE "network_space" (
	"network_id" uuid NOT NULL,
	"social_space_id" uuid NOT NULL,
	CONSTRAINT "network_space_network_id_social_space_id_pk" PRIMARY KEY("network_id","social_space_id")
);
--> statement-breakpoint
ALTER TABLE "action_item" ADD CONSTRAINT "action_item_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_item" ADD CONSTRAINT "action_item_meeting_id_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_item" ADD CONSTRAINT "action_item_agenda_item_id_agenda_item_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_item"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_item" ADD CONSTRAINT "action_item_owner_membership_id_network_membership_id_fk" FOREIGN KEY ("owner_membership_id") REFERENCES "public"."network_membership"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actor_relation" ADD CONSTRAINT "actor_relation_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actor_relation" ADD CONSTRAINT "actor_relation_from_organization_id_organization_id_fk" FOREIGN KEY ("from_organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actor_relation" ADD CONSTRAINT "actor_relation_to_organization_id_organization_id_fk" FOREIGN KEY ("to_organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_meeting_id_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_proposed_by_user_id_user_account_id_fk" FOREIGN KEY ("proposed_by_user_id") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_proposed_by_network_id_network_id_fk" FOREIGN KEY ("proposed_by_network_id") REFERENCES "public"."network"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_meeting_id_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_membership_id_network_membership_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."network_membership"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision" ADD CONSTRAINT "decision_agenda_item_id_agenda_item_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_item"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_subscription" ADD CONSTRAINT "digest_subscription_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_subscription" ADD CONSTRAINT "digest_subscription_user_id_user_account_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user_account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_subscription" ADD CONSTRAINT "digest_subscription_membership_id_network_membership_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."network_membership"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_agenda_item_id_agenda_item_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_item"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_decision_id_decision_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decision"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_needs_report_id_needs_report_id_fk" FOREIGN KEY ("needs_report_id") REFERENCES "public"."needs_report"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_target_network_id_network_id_fk" FOREIGN KEY ("target_network_id") REFERENCES "public"."network"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_target_agenda_item_id_agenda_item_id_fk" FOREIGN KEY ("target_agenda_item_id") REFERENCES "public"."agenda_item"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_created_by_user_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting" ADD CONSTRAINT "meeting_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting" ADD CONSTRAINT "meeting_series_id_meeting_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."meeting_series"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting" ADD CONSTRAINT "meeting_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_series" ADD CONSTRAINT "meeting_series_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_version" ADD CONSTRAINT "minutes_version_meeting_id_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_version" ADD CONSTRAINT "minutes_version_approved_by_user_account_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network" ADD CONSTRAINT "network_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network" ADD CONSTRAINT "network_coordinating_instance_id_instance_id_fk" FOREIGN KEY ("coordinating_instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_membership" ADD CONSTRAINT "network_membership_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_membership" ADD CONSTRAINT "network_membership_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_membership" ADD CONSTRAINT "network_membership_user_id_user_account_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user_account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_parent" ADD CONSTRAINT "network_parent_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_parent" ADD CONSTRAINT "network_parent_parent_id_network_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_post" ADD CONSTRAINT "network_post_municipality_id_municipality_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipality"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_post" ADD CONSTRAINT "network_post_author_user_id_user_account_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."user_account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_post" ADD CONSTRAINT "network_post_from_instance_id_instance_id_fk" FOREIGN KEY ("from_instance_id") REFERENCES "public"."instance"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_space" ADD CONSTRAINT "network_space_network_id_network_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."network"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_space" ADD CONSTRAINT "network_space_social_space_id_social_space_id_fk" FOREIGN KEY ("social_space_id") REFERENCES "public"."social_space"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_item_network_idx" ON "action_item" USING btree ("network_id","done_at");--> statement-breakpoint
CREATE INDEX "action_item_meeting_idx" ON "action_item" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "actor_relation_municipality_idx" ON "actor_relation" USING btree ("municipality_id");--> statement-breakpoint
CREATE INDEX "actor_relation_from_idx" ON "actor_relation" USING btree ("from_organization_id");--> statement-breakpoint
CREATE INDEX "actor_relation_to_idx" ON "actor_relation" USING btree ("to_organization_id");--> statement-breakpoint
CREATE INDEX "agenda_item_meeting_idx" ON "agenda_item" USING btree ("meeting_id","position");--> statement-breakpoint
CREATE INDEX "decision_item_idx" ON "decision" USING btree ("agenda_item_id");--> statement-breakpoint
CREATE INDEX "digest_subscription_municipality_idx" ON "digest_subscription" USING btree ("municipality_id");--> statement-breakpoint
CREATE INDEX "escalation_network_idx" ON "escalation" USING btree ("network_id");--> statement-breakpoint
CREATE INDEX "escalation_report_idx" ON "escalation" USING btree ("needs_report_id");--> statement-breakpoint
CREATE INDEX "meeting_network_idx" ON "meeting" USING btree ("network_id","starts_at");--> statement-breakpoint
CREATE INDEX "meeting_series_idx" ON "meeting" USING btree ("series_id","starts_at");--> statement-breakpoint
CREATE INDEX "meeting_series_network_idx" ON "meeting_series" USING btree ("network_id");--> statement-breakpoint
CREATE INDEX "network_municipality_idx" ON "network" USING btree ("municipality_id","visibility");--> statement-breakpoint
CREATE INDEX "network_membership_network_idx" ON "network_membership" USING btree ("network_id");--> statement-breakpoint
CREATE INDEX "network_membership_org_idx" ON "network_membership" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "network_membership_user_idx" ON "network_membership" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "network_parent_parent_idx" ON "network_parent" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "network_post_municipality_idx" ON "network_post" USING btree ("municipality_id","published_at");--> statement-breakpoint
CREATE INDEX "network_space_space_idx" ON "network_space" USING btree ("social_space_id");