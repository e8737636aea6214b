CREATE TABLE "data_version" (
	"scope" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Every audited write raises the data version of the municipality it names (`*` for none), once
-- per statement and scope, in the write's own transaction: caches in every process see it on
-- their next request. A statement-level trigger, so a bulk import raises each scope once.
CREATE FUNCTION "raise_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Reads of personal data and sign-ins are audited too but change nothing a page shows;
	-- raising the version for them would empty the caches with every case a counsellor opens.
	INSERT INTO "data_version" ("scope", "version")
	SELECT DISTINCT coalesce("municipality_id"::text, '*'), 1 FROM "added"
	WHERE "action" <> 'read' AND "entity_type" <> 'session'
	ON CONFLICT ("scope") DO UPDATE SET "version" = "data_version"."version" + 1;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- Delivered at commit; the embedded database (one process) keeps its versions in memory
	-- and forgets them on this notice instead of reading them per request.
	PERFORM pg_notify('data_version', '');
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_raises_data_version" AFTER INSERT ON "audit_log" REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "raise_data_version"();
